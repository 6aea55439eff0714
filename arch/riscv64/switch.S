/* SPDX-License-Identifier: MIT */
/*
 * Context switch (callee-saved registers and the sealed return address,
 * struct switch_frame in switch.h) and the recoverable-fault jump used by
 * arch_fault_try().
 */
#include "arch/riscv64/asm.h"

	.text
/* void arch_switch(void **save_sp, void *new_sp) */
	.globl arch_switch
arch_switch:
	addi	sp, sp, -112
	sd	ra, 0(sp)
	sd	s0, 8(sp)
	sd	s1, 16(sp)
	sd	s2, 24(sp)
	sd	s3, 32(sp)
	sd	s4, 40(sp)
	sd	s5, 48(sp)
	sd	s6, 56(sp)
	sd	s7, 64(sp)
	sd	s8, 72(sp)
	sd	s9, 80(sp)
	sd	s10, 88(sp)
	sd	s11, 96(sp)
	addi	t0, sp, 104		/* the seal of ra (include/arch.h) */
	la	t1, arch_switch_key
	ld	t1, 0(t1)
	xor	t2, ra, t0
	xor	t2, t2, t1
	sd	t2, 104(sp)
	sd	sp, 0(a0)
	mv	sp, a1			/* the scheduler checked its seal */
	ld	ra, 0(sp)
	ld	s0, 8(sp)
	ld	s1, 16(sp)
	ld	s2, 24(sp)
	ld	s3, 32(sp)
	ld	s4, 40(sp)
	ld	s5, 48(sp)
	ld	s6, 56(sp)
	ld	s7, 64(sp)
	ld	s8, 72(sp)
	ld	s9, 80(sp)
	ld	s10, 88(sp)
	ld	s11, 96(sp)
	addi	sp, sp, 112
	ret

/* First code of a new thread: s1 = entry, s2 = arg (arch_stack_init). */
	.globl thread_trampoline
thread_trampoline:
	mv	a0, s2
	jalr	s1
	ebreak

/* int arch_fault_try(void): save a resume point in this CPU's struct
 * fault_ctx (pcpu.h; its address in the arch area's first word) and point
 * this_cpu()->fault_ctx at it. */
	.globl arch_fault_try
arch_fault_try:
	ld	t0, PC_FAULT(tp)
	sd	t0, CPU_OFF_FAULT_CTX_ASM(tp)
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	sd	s0, 16(t0)
	sd	s1, 24(t0)
	sd	s2, 32(t0)
	sd	s3, 40(t0)
	sd	s4, 48(t0)
	sd	s5, 56(t0)
	sd	s6, 64(t0)
	sd	s7, 72(t0)
	sd	s8, 80(t0)
	sd	s9, 88(t0)
	sd	s10, 96(t0)
	sd	s11, 104(t0)
	csrr	t1, sstatus
	andi	t1, t1, SR_SIE
	sd	t1, 112(t0)
	li	a0, 0
	ret

/* __noreturn void fault_resume(void *ctx, int value) */
	.globl fault_resume
fault_resume:
	ld	ra, 0(a0)
	ld	sp, 8(a0)
	ld	s0, 16(a0)
	ld	s1, 24(a0)
	ld	s2, 32(a0)
	ld	s3, 40(a0)
	ld	s4, 48(a0)
	ld	s5, 56(a0)
	ld	s6, 64(a0)
	ld	s7, 72(a0)
	ld	s8, 80(a0)
	ld	s9, 88(a0)
	ld	s10, 96(a0)
	ld	s11, 104(a0)
	ld	t1, 112(a0)
	csrci	sstatus, SR_SIE
	csrs	sstatus, t1
	mv	a0, a1
	ret
