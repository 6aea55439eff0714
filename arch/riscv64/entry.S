/* SPDX-License-Identifier: MIT */
/*
 * The trap vector (stvec, direct mode): save a struct arch_regs frame
 * (cpu.h) on the current stack and call C. A trap whose frame would land
 * in an unmapped page (a thread stack overflowing into its guard page)
 * continues on this CPU's emergency stack so that it can still be reported:
 * the entry first saves the trap's CSRs in per-CPU slots, then probes the
 * frame's highest and lowest words with loads (sp may already be inside
 * the guard page, with the frame's bottom in the next stack down); if a
 * probe faults, the nested trap finds its sepc at a probe and builds the
 * frame on the emergency stack from those slots. An interrupt that finds
 * no room is turned into the guard-page fault it would have been (as on
 * arm64, where an interrupt's frame store faults): the thread is killed,
 * and the interrupt, still pending, is taken later on another stack. Its
 * handler never runs on the emergency stack, so no preempted thread is
 * ever left there.
 *
 * sscratch tells a trap from user mode: 0 while the kernel runs, this
 * CPU's pointer (the kernel's tp) while a domain's thread runs in U-mode.
 * A trap from U-mode builds its frame on the thread's kernel stack
 * (PC_KSTACK: no probe, it is known good) and returns through
 * user_return.
 */
#include "arch/riscv64/asm.h"

/* Every register but sp (x2) and the two this entry needs (t0/x5, t1/x6,
 * saved by the caller of the macro). tp is saved for the report only. */
.macro save_gprs
	sd	x1, S_X(1)(sp)
	sd	x3, S_X(3)(sp)
	sd	x4, S_X(4)(sp)
	sd	x7, S_X(7)(sp)
	sd	x8, S_X(8)(sp)
	sd	x9, S_X(9)(sp)
	sd	x10, S_X(10)(sp)
	sd	x11, S_X(11)(sp)
	sd	x12, S_X(12)(sp)
	sd	x13, S_X(13)(sp)
	sd	x14, S_X(14)(sp)
	sd	x15, S_X(15)(sp)
	sd	x16, S_X(16)(sp)
	sd	x17, S_X(17)(sp)
	sd	x18, S_X(18)(sp)
	sd	x19, S_X(19)(sp)
	sd	x20, S_X(20)(sp)
	sd	x21, S_X(21)(sp)
	sd	x22, S_X(22)(sp)
	sd	x23, S_X(23)(sp)
	sd	x24, S_X(24)(sp)
	sd	x25, S_X(25)(sp)
	sd	x26, S_X(26)(sp)
	sd	x27, S_X(27)(sp)
	sd	x28, S_X(28)(sp)
	sd	x29, S_X(29)(sp)
	sd	x30, S_X(30)(sp)
	sd	x31, S_X(31)(sp)
.endm

/* Every register but sp (x2) and tp (x4), from the frame at sp. */
.macro restore_gprs
	ld	x1, S_X(1)(sp)
	ld	x3, S_X(3)(sp)
	ld	x5, S_X(5)(sp)
	ld	x6, S_X(6)(sp)
	ld	x7, S_X(7)(sp)
	ld	x8, S_X(8)(sp)
	ld	x9, S_X(9)(sp)
	ld	x10, S_X(10)(sp)
	ld	x11, S_X(11)(sp)
	ld	x12, S_X(12)(sp)
	ld	x13, S_X(13)(sp)
	ld	x14, S_X(14)(sp)
	ld	x15, S_X(15)(sp)
	ld	x16, S_X(16)(sp)
	ld	x17, S_X(17)(sp)
	ld	x18, S_X(18)(sp)
	ld	x19, S_X(19)(sp)
	ld	x20, S_X(20)(sp)
	ld	x21, S_X(21)(sp)
	ld	x22, S_X(22)(sp)
	ld	x23, S_X(23)(sp)
	ld	x24, S_X(24)(sp)
	ld	x25, S_X(25)(sp)
	ld	x26, S_X(26)(sp)
	ld	x27, S_X(27)(sp)
	ld	x28, S_X(28)(sp)
	ld	x29, S_X(29)(sp)
	ld	x30, S_X(30)(sp)
	ld	x31, S_X(31)(sp)
.endm

	.text
	.balign 4
	.globl trap_entry
trap_entry:
	csrrw	tp, sscratch, tp
	bnez	tp, from_user
	csrrw	tp, sscratch, zero	/* the kernel's tp back, sscratch 0 */
	beqz	tp, early_trap
	sd	t0, PC_T0(tp)
	sd	t1, PC_T1(tp)
	csrr	t0, sepc
	la	t1, stack_probe
	sub	t1, t0, t1
	sltiu	t1, t1, 8		/* sepc at one of the two probes? */
	bnez	t1, overflow
	sd	t0, PC_SEPC(tp)
	csrr	t0, sstatus
	sd	t0, PC_SSTATUS(tp)
	csrr	t0, scause
	sd	t0, PC_SCAUSE(tp)
	csrr	t0, stval
	sd	t0, PC_STVAL(tp)
	ld	t0, PC_T0(tp)
	ld	t1, PC_T1(tp)
stack_probe:
	ld	zero, -8(sp)		/* either faults if the frame */
	ld	zero, -FRAME_SIZE(sp)	/* cannot fit (2 instructions: 8 bytes) */
	addi	sp, sp, -FRAME_SIZE
	sd	t0, S_X(5)(sp)
	sd	t1, S_X(6)(sp)
	save_gprs
	addi	t0, sp, FRAME_SIZE
	sd	t0, S_X(2)(sp)
	j	save_csrs

/* The probe faulted: every register but t0 and t1 is the interrupted
 * context's; those two and its CSRs are in the per-CPU slots. */
overflow:
	ld	t0, PC_EMERG_SP(tp)
	beqz	t0, early_trap
	addi	t0, t0, -FRAME_SIZE
	sd	sp, S_X(2)(t0)
	mv	sp, t0
	save_gprs
	ld	t0, PC_T0(tp)
	sd	t0, S_X(5)(sp)
	ld	t0, PC_T1(tp)
	sd	t0, S_X(6)(sp)
	ld	t0, PC_SCAUSE(tp)
	bgez	t0, save_csrs		/* an exception: as it is */
	li	t0, 15			/* an interrupt: a store page fault */
	sd	t0, PC_SCAUSE(tp)	/* where the probe faulted */
	csrr	t0, stval
	sd	t0, PC_STVAL(tp)

save_csrs:
	ld	t0, PC_SEPC(tp)
	sd	t0, S_SEPC(sp)
	ld	t0, PC_SSTATUS(tp)
	sd	t0, S_SSTATUS(sp)
	ld	t0, PC_SCAUSE(tp)
	sd	t0, S_SCAUSE(sp)
	ld	t0, PC_STVAL(tp)
	sd	t0, S_STVAL(sp)
	mv	a0, sp
	call	arch_trap

/* Back to the frame at sp. tp is not restored: the interrupted thread
 * may resume on another CPU than the one it was interrupted on. */
	.globl trap_return
trap_return:
	sc.d	zero, zero, (sp)	/* drop any LR reservation (above) */
	ld	t0, S_SSTATUS(sp)
	csrw	sstatus, t0
	ld	t0, S_SEPC(sp)
	csrw	sepc, t0
	restore_gprs
	ld	sp, S_X(2)(sp)
	sret

/* From U-mode: tp = this CPU, sscratch = the user's tp. */
from_user:
	sd	t0, PC_UT0(tp)
	csrrw	t0, sscratch, zero	/* kernel mode from here on */
	sd	t0, PC_UTP(tp)
	sd	sp, PC_USP(tp)
	/* The trap's CSRs before the first store to the stack: a fault
	 * there (a stale translation, retried) would overwrite them. */
	csrr	t0, sepc
	sd	t0, PC_USEPC(tp)
	csrr	t0, sstatus
	sd	t0, PC_USSTATUS(tp)
	csrr	t0, scause
	sd	t0, PC_USCAUSE(tp)
	csrr	t0, stval
	sd	t0, PC_USTVAL(tp)
	ld	sp, PC_KSTACK(tp)
	addi	sp, sp, -FRAME_SIZE
	sd	t1, S_X(6)(sp)
	save_gprs
	ld	t0, PC_UT0(tp)
	sd	t0, S_X(5)(sp)
	ld	t0, PC_UTP(tp)
	sd	t0, S_X(4)(sp)
	ld	t0, PC_USP(tp)
	sd	t0, S_X(2)(sp)
	ld	t0, PC_USEPC(tp)
	sd	t0, S_SEPC(sp)
	ld	t0, PC_USSTATUS(tp)
	sd	t0, S_SSTATUS(sp)
	ld	t0, PC_USCAUSE(tp)
	sd	t0, S_SCAUSE(sp)
	ld	t0, PC_USTVAL(tp)
	sd	t0, S_STVAL(sp)
	mv	s0, zero		/* backtraces stop here */
	mv	a0, sp
	call	arch_trap_user		/* returns with IRQs off */

/* Back to U-mode from the frame at sp. */
user_return:
	sc.d	zero, zero, (sp)	/* drop any LR reservation: another
					 * thread's may be live on this hart */
	ld	t0, S_SSTATUS(sp)
	csrw	sstatus, t0
	ld	t0, S_SEPC(sp)
	csrw	sepc, t0
	csrw	sscratch, tp		/* the next trap comes from U-mode */
	restore_gprs
	ld	tp, S_X(4)(sp)
	ld	sp, S_X(2)(sp)
	sret

/* __noreturn void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg):
 * U-mode at pc with interrupts on there; traps come back to PC_KSTACK. */
	.globl arch_user_enter
arch_user_enter:
	csrci	sstatus, SR_SIE
	csrw	sepc, a0
	li	t0, SR_SPP
	csrc	sstatus, t0
	li	t0, SR_SPIE
	csrs	sstatus, t0
	csrw	sscratch, tp
	mv	sp, a1
	mv	a0, a2
	mv	ra, zero
	mv	gp, zero
	mv	tp, zero
	mv	t0, zero
	mv	t1, zero
	mv	t2, zero
	mv	s0, zero
	mv	s1, zero
	mv	a1, zero
	mv	a2, zero
	mv	a3, zero
	mv	a4, zero
	mv	a5, zero
	mv	a6, zero
	mv	a7, zero
	mv	s2, zero
	mv	s3, zero
	mv	s4, zero
	mv	s5, zero
	mv	s6, zero
	mv	s7, zero
	mv	s8, zero
	mv	s9, zero
	mv	s10, zero
	mv	s11, zero
	mv	t3, zero
	mv	t4, zero
	mv	t5, zero
	mv	t6, zero
	sret

/* A trap before this CPU's per-CPU data (or with no emergency stack):
 * nothing can report it. */
early_trap:
	wfi
	j	early_trap
