/* SPDX-License-Identifier: MIT */
/* Fatal errors: stop every vCPU, say why, exit with failure. */
#ifndef GUEST_PANIC_H
#define GUEST_PANIC_H

#include "types.h"

#define EXIT_PANIC 3

__noreturn void panic(const char *fmt, ...) __printf(1, 2);

#define BUG_ON(cond)                                                        \
	do {                                                                \
		if (unlikely(cond))                                         \
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__,       \
			      __LINE__);                                    \
	} while (0)

#endif
