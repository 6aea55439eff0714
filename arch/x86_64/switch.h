/* SPDX-License-Identifier: MIT */
/* The stack frame arch_switch() pushes and pops (switch.S). */
#ifndef ARCH_X86_64_SWITCH_H
#define ARCH_X86_64_SWITCH_H

#include "types.h"
#include "arch.h"

struct switch_frame {
	uint64_t seal;                         /* arch_switch_seal(rip) */
	uint64_t r15, r14, r13, r12, rbx, rbp; /* popped in this order */
	uint64_t rip;                          /* ret target */
};

_Static_assert(offsetof(struct switch_frame, r15) == 8, "switch.S pops r15 first");
_Static_assert(offsetof(struct switch_frame, r12) == 32, "switch.S: r12 = entry");
_Static_assert(offsetof(struct switch_frame, r13) == 24, "switch.S: r13 = arg");
_Static_assert(offsetof(struct switch_frame, rip) == ARCH_SWITCH_RET_OFF &&
	       offsetof(struct switch_frame, seal) == ARCH_SWITCH_SEAL_OFF &&
	       sizeof(struct switch_frame) == ARCH_SWITCH_FRAME_SIZE,
	       "switch.S: the return address and its seal");

#endif
