/* SPDX-License-Identifier: MIT */
/* What arch_switch() (switch.S) keeps on a switched-out stack. */
#ifndef ARCH_RISCV64_SWITCH_H
#define ARCH_RISCV64_SWITCH_H

#include "types.h"

struct switch_frame {
	uint64_t ra;
	uint64_t s[12];   /* s0 (the frame pointer) .. s11 */
	uint64_t pad;     /* sp stays 16-byte aligned */
};
_Static_assert(sizeof(struct switch_frame) == 112, "switch.S frame size");

#endif
