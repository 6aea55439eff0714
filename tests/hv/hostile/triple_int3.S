/* SPDX-License-Identifier: MIT */
/*
 * The same through int3. Under this machine's kvm_pvm the emulator gives up
 * delivering it (an emulation-failure internal error, not a shutdown): hv
 * must report a crash (exit 3) either way.
 */
#include "pvh.h"
PVH_GUEST
start:
	lidt idt_empty
	int3
	.balign 8
idt_empty:
	.word 0
	.long 0
