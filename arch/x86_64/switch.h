/* SPDX-License-Identifier: MIT */
/* The stack frame arch_switch() pushes and pops (switch.S). */
#ifndef ARCH_X86_64_SWITCH_H
#define ARCH_X86_64_SWITCH_H

#include "types.h"

struct switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp; /* popped in this order */
	uint64_t rip;                          /* ret target */
};

_Static_assert(offsetof(struct switch_frame, r15) == 0, "switch.S pops r15 first");
_Static_assert(offsetof(struct switch_frame, r12) == 24, "switch.S: r12 = entry");
_Static_assert(offsetof(struct switch_frame, r13) == 16, "switch.S: r13 = arg");
_Static_assert(offsetof(struct switch_frame, rip) == 48, "switch.S: ret address");

#endif
