/* SPDX-License-Identifier: MIT */
/*
 * What every hostile guest shares: the Xen PVH entry note pointing at
 * `start` (entered in 32-bit flat protected mode, paging off, per the PVH
 * ABI) and the hv ports they poke. Guests are position-dependent at 1 MiB.
 */
#ifndef HOSTILE_PVH_H
#define HOSTILE_PVH_H

#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define PORT_EXIT 0xf4 /* hv: guest exit code */
#define PORT_MARK 0xf8 /* hv: stats mark */
#define COM1 0x3f8

/* The note hv looks for, then 32-bit code from `start` on. */
#define PVH_GUEST                                              \
	.section .note.Xen, "a";                               \
	.balign 4;                                             \
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY;                  \
	.asciz "Xen";                                          \
	.long start;                                           \
	.text;                                                 \
	.code32;                                               \
	.globl start

/* Exit with code c through hv's exit port (8-bit write). */
#define EXIT(c)          \
	movb $(c), %al;  \
	outb %al, $PORT_EXIT

#endif
