/* SPDX-License-Identifier: MIT */
/* The control case: print one line on COM1 and exit 0. */
#include "pvh.h"
PVH_GUEST
start:
	mov $msg, %esi
	mov $COM1, %dx
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, %dx
	jmp 1b
2:	EXIT(0)
	hlt
msg:	.asciz "hostile ok guest\n"
