/* SPDX-License-Identifier: MIT */
/* Writes hv's stats mark port in a loop until stopped. */
#include "pvh.h"
PVH_GUEST
start:
	xor %eax, %eax
1:	outl %eax, $PORT_MARK
	inc %eax
	jmp 1b
