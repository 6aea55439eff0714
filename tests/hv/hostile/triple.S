/* SPDX-License-Identifier: MIT */
/* Loads an empty IDT and traps: #BP -> #GP -> #DF -> triple fault. */
#include "pvh.h"
PVH_GUEST
start:
	lidt idt_empty
	int3
	EXIT(0)		/* not reached */
	hlt
	.balign 8
idt_empty:
	.word 0
	.long 0
