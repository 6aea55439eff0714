/* SPDX-License-Identifier: MIT */
/*
 * Boot head: OpenSBI (or any SBI firmware, or KVM) enters us in S-mode at
 * the link address with the MMU off, a0 = this hart's id and a1 = the
 * device tree. Zero .bss, take traps, enter C, which turns on Sv48 paging.
 * Also the entry of secondary harts started with SBI HSM hart_start.
 */
#include "arch/riscv64/asm.h"

	.section .text.head, "ax"
	.globl _start
_start:
	csrw	sie, zero
	li	t0, SR_SIE | SR_FS | SR_VS | SR_SUM | SR_MXR	/* no FP state: any FP use traps */
	csrc	sstatus, t0		/* no FP or vector state: any use
					 * traps; S-mode reads no U page */
	mv	tp, zero		/* this_cpu() is NULL until smp.c */
	csrw	sscratch, zero		/* in the kernel (entry.S) */
	la	t0, trap_entry
	csrw	stvec, t0
	rdtime	a2			/* boot_cycles, both counters: C */
	rdcycle	a3			/* picks the clock */
	la	t0, __bss_start
	la	t1, __bss_end
1:	sd	zero, 0(t0)
	addi	t0, t0, 8
	bltu	t0, t1, 1b
	la	sp, boot_stack_top
	mv	s0, zero		/* ends the backtrace */
	mv	ra, zero
	call	arch_boot_main		/* (hartid, dtb, time, cycle) */
	j	arch_halt_forever

/* Secondary harts (SBI HSM hart_start): a0 = hart id, a1 = opaque = the
 * stack top; MMU off. The boot hart's page tables, then C. */
	.text
	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	li	t0, SR_SIE | SR_FS | SR_VS | SR_SUM | SR_MXR
	csrc	sstatus, t0
	mv	tp, zero
	csrw	sscratch, zero
	la	t0, trap_entry
	csrw	stvec, t0
	mv	sp, a1
	la	t0, boot_satp
	ld	t0, 0(t0)
	sfence.vma
	csrw	satp, t0
	sfence.vma
	mv	s0, zero
	mv	ra, zero
	call	arch_secondary_main	/* (hartid) */
	j	arch_halt_forever

	.bss
	.balign 16
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
	.globl boot_stack_top
boot_stack_top:
