/* SPDX-License-Identifier: MIT */
/*
 * Touches guest-physical addresses with no RAM behind them: past the end of
 * a 16 MiB guest, in the PCI hole, and where an HPET would be; then exits
 * with the number of reads that did not return all-ones (0 expected).
 */
#include "pvh.h"
PVH_GUEST
start:
	xor %ecx, %ecx
	movl $0x5a5a5a5a, 0x01000000	/* first byte past 16 MiB of RAM */
	cmpl $0xffffffff, 0x01000000
	je 1f
	inc %ecx
1:	cmpl $0xffffffff, 0xd0000000	/* in the MMIO hole below 4 GiB */
	je 2f
	inc %ecx
2:	movl $1, 0xfed00010		/* an HPET's configuration register */
	mov %cl, %al
	outb %al, $PORT_EXIT
	hlt
