/* SPDX-License-Identifier: MIT */
/*
 * Real-mode entry of the secondary CPUs. Copied to TRAMPOLINE_BASE (SIPI
 * vector 0x08); goes to 32-bit protected mode and joins the boot head's
 * long-mode path, which sends it to arch_ap_main() on ap_boot_stack.
 */
#include "arch/x86_64/asm.h"

#define TADDR(x) ((x) - trampoline_start + TRAMPOLINE_BASE)

	.section .trampoline, "ax"
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	cld
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	TADDR(tramp_gdt_ptr)
	mov	%cr0, %eax
	or	$1, %eax
	mov	%eax, %cr0
	ljmpl	$GDT_CODE32, $TADDR(tramp32)

	.code32
tramp32:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	mov	$TRAMPOLINE_BASE, %esp	/* tiny stack below the trampoline */
	mov	$enter_long_mode32, %eax
	jmp	*%eax

	.align 8
tramp_gdt_ptr:
	.word 4 * 8 - 1
	.long gdt64
	.globl trampoline_end
trampoline_end:
