/* SPDX-License-Identifier: MIT */
/* Floods COM1 with one endless line (no newline ever) until stopped. */
#include "pvh.h"
PVH_GUEST
start:
	mov $COM1, %dx
	mov $'x', %al
1:	outb %al, %dx
	jmp 1b
