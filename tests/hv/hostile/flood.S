/* SPDX-License-Identifier: MIT */
/*
 * Floods COM1 until stopped: one endless line (no newline ever), 4 KiB per
 * rep outsb, so that KVM can hand hv many bytes per exit and a stalled
 * stdout pipe fills within milliseconds.
 */
#include "pvh.h"
PVH_GUEST
start:
	mov $COM1, %dx
	cld
1:	mov $buf, %esi
	mov $4096, %ecx
	rep outsb
	jmp 1b
	.balign 16
buf:	.fill 4096, 1, 'x'
