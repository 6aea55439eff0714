/* SPDX-License-Identifier: MIT */
/* Exit code 256 as a 16-bit write: truncated to 8 bits it would read 0. */
#include "pvh.h"
PVH_GUEST
start:
	mov $0x100, %ax
	outw %ax, $PORT_EXIT
	hlt
