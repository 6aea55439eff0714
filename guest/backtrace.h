/* SPDX-License-Identifier: MIT */
/* Frame-pointer backtraces (guest/backtrace.c). */
#ifndef GUEST_BACKTRACE_H
#define GUEST_BACKTRACE_H

/* Print "  backtrace: addr addr ..." from frame, a frame record. */
void backtrace_print(void *frame);

#endif
