/* SPDX-License-Identifier: MIT */
/* A 32-bit write of 0x1234 to the exit port: not an exit code 0..255. */
#include "pvh.h"
PVH_GUEST
start:
	mov $0x1234, %eax
	outl %eax, $PORT_EXIT
	hlt
