/* SPDX-License-Identifier: MIT */
/* The kernel console: whole lines, serialised across vCPUs. */
#ifndef GUEST_CONSOLE_H
#define GUEST_CONSOLE_H

#include "types.h"

void console_write(const char *s, size_t n);
/* After a panic: stop waiting for a lock another (stopped) CPU may hold. */
void console_panic_mode(void);

#endif
