/* SPDX-License-Identifier: MIT */
/*
 * Formatted output: kvsnprintf()/ksnprintf() (guest/lib/printf.c) format
 * into a buffer; kprintf()/kvprintf() (guest/console.c) print to the console.
 */
#ifndef GUEST_LIB_PRINTF_H
#define GUEST_LIB_PRINTF_H

#include "types.h"

/*
 * C99 snprintf semantics for the subset the kernel uses:
 *   conversions  %d %i %u %o %x %X %c %s %p %%
 *   flags        - 0 + space #
 *   width/prec   decimal or '*' (clamped to PRINTF_MAX_WIDTH)
 *   length       hh h l ll z j t
 * %p prints "0x" and 16 hex digits. %s of NULL prints "(null)". %n is not
 * supported; an unknown conversion is copied to the output as written.
 * Returns the length the full output would have (without the NUL); the
 * buffer is always NUL-terminated when size > 0. Any context, no locks.
 */
#define PRINTF_MAX_WIDTH 4096
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Print to the console; whole lines are atomic across CPUs. Implemented in
 * guest/console.c. Any context. */
void kprintf(const char *fmt, ...) __printf(1, 2);
void kvprintf(const char *fmt, va_list ap);

#endif
