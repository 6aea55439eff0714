/* SPDX-License-Identifier: MIT */
/* Loads an empty IDT and executes ud2: #UD -> #GP -> #DF -> triple fault. */
#include "pvh.h"
PVH_GUEST
start:
	lidt idt_empty
	ud2
	.balign 8
idt_empty:
	.word 0
	.long 0
