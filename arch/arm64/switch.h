/* SPDX-License-Identifier: MIT */
/* What arch_switch() (switch.S) keeps on a switched-out stack. */
#ifndef ARCH_ARM64_SWITCH_H
#define ARCH_ARM64_SWITCH_H

#include "types.h"
#include "arch.h"

struct switch_frame {
	uint64_t seal, pad; /* arch_switch_seal(x30); sp stays 16-aligned */
	uint64_t x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
	uint64_t x29, x30; /* frame pointer, return address */
};
_Static_assert(sizeof(struct switch_frame) == ARCH_SWITCH_FRAME_SIZE &&
	       offsetof(struct switch_frame, x30) == ARCH_SWITCH_RET_OFF &&
	       offsetof(struct switch_frame, seal) == ARCH_SWITCH_SEAL_OFF,
	       "switch.S frame");

#endif
