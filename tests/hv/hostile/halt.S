/* SPDX-License-Identifier: MIT */
/* Halts with interrupts off: nothing will ever wake it. */
#include "pvh.h"
PVH_GUEST
start:
	cli
1:	hlt
	jmp 1b
