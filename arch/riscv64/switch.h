/* SPDX-License-Identifier: MIT */
/* What arch_switch() (switch.S) keeps on a switched-out stack. */
#ifndef ARCH_RISCV64_SWITCH_H
#define ARCH_RISCV64_SWITCH_H

#include "types.h"
#include "arch.h"

struct switch_frame {
	uint64_t ra;
	uint64_t s[12];   /* s0 (the frame pointer) .. s11 */
	uint64_t seal;    /* arch_switch_seal(ra) */
};
_Static_assert(sizeof(struct switch_frame) == ARCH_SWITCH_FRAME_SIZE &&
	       offsetof(struct switch_frame, ra) == ARCH_SWITCH_RET_OFF &&
	       offsetof(struct switch_frame, seal) == ARCH_SWITCH_SEAL_OFF,
	       "switch.S frame");

#endif
