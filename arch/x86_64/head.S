/* SPDX-License-Identifier: MIT */
/*
 * Boot head: the PVH entry note, the 32-bit entry, the boot page tables
 * (identity map of the low 4 GiB with 2 MiB pages), and the jump to long mode.
 */
#include <xen/elfnote.h>
#include "arch/x86_64/asm.h"

	.section .note.Xen, "a", @note
	.align 4
	.long 4			/* name size: "Xen\0" */
	.long 4			/* descriptor size */
	.long XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.align 4
	.long pvh_start

	.section .text.head, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	/* %ebx: physical address of struct hvm_start_info (PVH ABI). */
	mov	%ebx, pvh_start_info_pa

	/* Zero .bss (boot page tables, boot stack, static data). */
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl

	mov	$boot_stack_top, %esp

	/* 2048 PD entries, 2 MiB each: P|RW|PS; the top GiB (MMIO: LAPIC,
	 * IOAPIC) uncached with PCD|PWT. */
	mov	$boot_pd, %edi
	xor	%ecx, %ecx
1:	mov	%ecx, %eax
	shl	$21, %eax
	or	$0x83, %eax
	cmp	$1536, %ecx
	jb	2f
	or	$0x18, %eax
2:	mov	%eax, (%edi,%ecx,8)
	movl	$0, 4(%edi,%ecx,8)
	inc	%ecx
	cmp	$2048, %ecx
	jb	1b

	/* PDPT[0..3] -> the four PDs; PML4[0] -> PDPT. */
	mov	$boot_pdpt, %edi
	mov	$boot_pd + 3, %eax
	xor	%ecx, %ecx
3:	mov	%eax, (%edi,%ecx,8)
	add	$4096, %eax
	inc	%ecx
	cmp	$4, %ecx
	jb	3b
	movl	$boot_pdpt + 3, boot_pml4

	.globl enter_long_mode32
enter_long_mode32:	/* shared with the AP trampoline: expects %esp valid */
	mov	%cr4, %eax
	or	$0x20, %eax		/* PAE */
	mov	%eax, %cr4
	mov	$boot_pml4, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx	/* EFER */
	rdmsr
	or	$0x900, %eax		/* LME | NXE */
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax	/* PG | WP | PE */
	mov	%eax, %cr0
	lgdt	gdt64_ptr
	ljmp	$GDT_CODE64, $long_mode_entry

	.code64
long_mode_entry:
	mov	$GDT_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	/* BSP: boot stack; APs: the stack the BSP left in ap_boot_stack. */
	cmpl	$0, ap_booting
	jne	1f
	mov	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	mov	pvh_start_info_pa, %edi
	call	arch_boot_main
	jmp	arch_halt_forever
1:	mov	ap_boot_stack, %rsp
	xor	%ebp, %ebp
	call	arch_ap_main
	jmp	arch_halt_forever

	.data
	.align 16
	.globl gdt64
gdt64:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00cf9a000000ffff	/* 0x18: 32-bit code (AP trampoline) */
	.quad 0x00cff2000000ffff	/* 0x20: user data, DPL 3 */
	.quad 0x00affa000000ffff	/* 0x28: user 64-bit code, DPL 3 */
	.fill 2 * 64, 8, 0		/* 0x30: per-CPU TSS descriptors */
gdt64_end:
	.align 16
	.globl gdt64_ptr
gdt64_ptr:
	.word gdt64_end - gdt64 - 1
	.quad gdt64

	.globl pvh_start_info_pa, ap_booting, ap_boot_stack
pvh_start_info_pa:	.long 0
ap_booting:		.long 0
ap_boot_stack:		.quad 0

	.bss
	.align 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4 * 4096
	.align 16
	.globl boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
