/* SPDX-License-Identifier: MIT */
/* Writes and reads 64 ports nobody serves (0x1000..0x103f), then exits 0. */
#include "pvh.h"
PVH_GUEST
start:
	mov $0x1000, %edx
1:	outl %eax, %dx
	inb %dx, %al
	inc %edx
	cmp $0x1040, %edx
	jne 1b
	EXIT(0)
	hlt
