/* SPDX-License-Identifier: MIT */
/* Spins forever with interrupts off: never halts, never exits. */
#include "pvh.h"
PVH_GUEST
start:
	cli
1:	jmp 1b
