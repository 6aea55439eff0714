/* SPDX-License-Identifier: MIT */
/*
 * Boot head: the arm64 Linux image header (QEMU's -kernel and Xen load us
 * by it), self-relocation of the position-independent image, the drop from
 * EL2 to EL1, the boot page tables and the MMU, then C. Also the entry of
 * secondary CPUs started by PSCI CPU_ON.
 */
#include "arch/arm64/asm.h"

#define R_AARCH64_RELATIVE 1027

/* The header's image_size (bss included) sits between these two sections:
 * kernel.ld writes it, as a link-time constant rather than a relocation. */
	.section .text.head, "ax"
	.globl _head
_head:
	b	primary_entry		/* code0 */
	.long	0			/* code1 */
	.quad	0			/* text_offset: at a 2 MiB boundary */
	.section .text.head2, "ax"
	.quad	0xa			/* flags: LE, 4 KiB pages, anywhere */
	.quad	0, 0, 0			/* res2..res4 */
	.ascii	"ARM\x64"		/* magic */
	.long	0			/* res5: no PE/COFF header */

/* Leave EL2 for EL1 if entered at EL2 (QEMU with virtualization=on, or a
 * firmware that starts kernels at EL2). Uses x9 only. */
.macro drop_to_el1
	mrs	x9, CurrentEL
	cmp	x9, #(2 << 2)
	b.ne	1f
	mov	x9, #(1 << 31)		/* HCR_EL2.RW: EL1 is AArch64 */
	orr	x9, x9, #(3 << 40)	/* APK, API: EL1's keys and PAC */
	msr	hcr_el2, x9
	mrs	x9, cnthctl_el2
	orr	x9, x9, #3		/* EL1PCTEN | EL1PCEN: counters, timers */
	msr	cnthctl_el2, x9
	msr	cntvoff_el2, xzr	/* CNTVCT = CNTPCT */
	mrs	x9, midr_el1
	msr	vpidr_el2, x9
	mrs	x9, mpidr_el1		/* EL1's MPIDR reads VMPIDR_EL2 */
	msr	vmpidr_el2, x9
	mrs	x9, id_aa64pfr0_el1
	ubfx	x9, x9, #24, #4		/* GIC system register interface? */
	cbz	x9, 2f
	mrs	x9, ICC_SRE_EL2
	orr	x9, x9, #0x1		/* SRE */
	orr	x9, x9, #0x8		/* Enable: EL1 may use ICC_* */
	msr	ICC_SRE_EL2, x9
	isb
2:	mov	x9, #0x33ff		/* CPTR_EL2: RES1 bits, no traps */
	msr	cptr_el2, x9
	msr	hstr_el2, xzr
	ldr	x9, =SCTLR_EL1_RES1	/* EL1 MMU off until mmu_on */
	msr	sctlr_el1, x9
	mov	x9, #0x3c5		/* EL1h, DAIF masked */
	msr	spsr_el2, x9
	adr	x9, 1f
	msr	elr_el2, x9
	eret
1:
.endm

	.text
primary_entry:
	mov	x21, x0			/* the DTB's physical address */
	mrs	x22, cntvct_el0		/* boot_cycles */
	drop_to_el1
	msr	daifset, #0xf
	msr	tpidr_el1, xzr		/* this_cpu() is NULL until smp.c */

	/* Apply the R_AARCH64_RELATIVE relocations for where we run. */
	adr	x0, _head
	adrp	x1, link_base
	ldr	x1, [x1, :lo12:link_base]
	sub	x0, x0, x1		/* load offset */
	adrp	x2, __rela_start
	add	x2, x2, :lo12:__rela_start
	adrp	x3, __rela_end
	add	x3, x3, :lo12:__rela_end
1:	cmp	x2, x3
	b.hs	3f
	ldp	x4, x5, [x2]		/* r_offset, r_info */
	ldr	x6, [x2, #16]		/* r_addend */
	add	x2, x2, #24
	cmp	w5, #R_AARCH64_RELATIVE
	b.ne	2f
	add	x6, x6, x0
	str	x6, [x4, x0]
	b	1b
2:	wfe				/* a relocation we cannot apply */
	b	2b
3:
	/* Zero .bss (boot tables and stack included). */
	adrp	x0, __bss_start
	add	x0, x0, :lo12:__bss_start
	adrp	x1, __bss_end
	add	x1, x1, :lo12:__bss_end
4:	stp	xzr, xzr, [x0], #16
	cmp	x0, x1
	b.lo	4b

	/* Boot map, 1 GiB blocks: [0, 1 GiB) devices (GIC, UART on QEMU
	 * virt and Xen), [1 GiB, 4 GiB) normal memory (RAM starts at 1 GiB
	 * there). paging.c adds the thread-stack window in L0 slot 1. */
	adrp	x0, boot_l0
	adrp	x1, boot_l1
	orr	x2, x1, #(PTE_VALID | PTE_TABLE)
	str	x2, [x0]
	ldr	x2, =BLOCK_DEVICE
	str	x2, [x1]
	ldr	x4, =BLOCK_NORMAL
	mov	x3, #1
5:	orr	x2, x4, x3, lsl #30
	str	x2, [x1, x3, lsl #3]
	add	x3, x3, #1
	cmp	x3, #4
	b.lo	5b

	/* Our MMU-off writes went to memory: drop any stale cache lines of
	 * the image before caches are turned on. */
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4		/* DminLine: log2 words */
	mov	x2, #4
	lsl	x2, x2, x3		/* line size in bytes */
	adr	x0, _head
	adrp	x1, __kernel_end
	add	x1, x1, :lo12:__kernel_end
6:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	6b
	dsb	sy

	bl	mmu_on
	adrp	x0, boot_stack_top
	add	x0, x0, :lo12:boot_stack_top
	mov	sp, x0
	mov	x29, #0
	mov	x30, #0
	mov	x0, x21
	mov	x1, x22
	bl	arch_boot_main
	b	arch_halt_forever

/* Secondary CPUs (PSCI CPU_ON): x0 = context id = the stack top. */
	.globl secondary_entry
secondary_entry:
	BTI_C
	mov	x19, x0
	drop_to_el1
	msr	daifset, #0xf
	msr	tpidr_el1, xzr
	bl	mmu_on
	mov	sp, x19
	mov	x29, #0
	mov	x30, #0
	bl	arch_secondary_main
	b	arch_halt_forever

/* MMU on with the boot tables, exception vectors, FP/SIMD trapped (the
 * kernel is built without it). Uses x9, x10. */
mmu_on:
	ldr	x9, =MAIR_VALUE
	msr	mair_el1, x9
	mrs	x9, id_aa64mmfr0_el1
	and	x9, x9, #0xf		/* PARange */
	cmp	x9, #5
	mov	x10, #5			/* at most 48 bits */
	csel	x9, x9, x10, ls
	ldr	x10, =TCR_VALUE
	orr	x10, x10, x9, lsl #32	/* IPS */
	msr	tcr_el1, x10
	adrp	x9, boot_l0
	msr	ttbr0_el1, x9
	msr	cpacr_el1, xzr
	adrp	x9, vectors
	add	x9, x9, :lo12:vectors
	msr	vbar_el1, x9
	isb
	tlbi	vmalle1
	dsb	nsh
	isb
	ldr	x9, =SCTLR_VALUE
	msr	sctlr_el1, x9
	isb
	ic	iallu
	dsb	nsh
	isb
	ret

	.ltorg

	.bss
	.align 12
	.globl boot_l0, boot_l1
boot_l0:	.skip 4096
boot_l1:	.skip 4096
	.align 4
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
