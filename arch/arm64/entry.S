/* SPDX-License-Identifier: MIT */
/*
 * Exception vectors: save a struct arch_regs frame (traps.h) on the current
 * stack and call C. An exception or interrupt whose frame would land in an
 * unmapped page (a thread stack overflowing into its guard page) continues
 * on this CPU's emergency stack so that it can still be reported.
 */
#include "arch/arm64/asm.h"

/* Save x2..x29 (x0, x1 already at [sp]), then x30, the interrupted sp (in
 * \spreg), ELR, SPSR, ESR and FAR; leave only IRQs masked. */
.macro save_rest spreg
	stp	x2, x3, [sp, #16 * 1]
	stp	x4, x5, [sp, #16 * 2]
	stp	x6, x7, [sp, #16 * 3]
	stp	x8, x9, [sp, #16 * 4]
	stp	x10, x11, [sp, #16 * 5]
	stp	x12, x13, [sp, #16 * 6]
	stp	x14, x15, [sp, #16 * 7]
	stp	x16, x17, [sp, #16 * 8]
	stp	x18, x19, [sp, #16 * 9]
	stp	x20, x21, [sp, #16 * 10]
	stp	x22, x23, [sp, #16 * 11]
	stp	x24, x25, [sp, #16 * 12]
	stp	x26, x27, [sp, #16 * 13]
	stp	x28, x29, [sp, #16 * 14]
	.ifc \spreg, normal
	add	x20, sp, #FRAME_SIZE
	.endif
	.ifc \spreg, emergency
	mrs	x20, tpidr_el0
	.endif
	.ifc \spreg, user
	mrs	x20, sp_el0
	.endif
	stp	x30, x20, [sp, #S_X30]
	mrs	x21, elr_el1
	mrs	x22, spsr_el1
	stp	x21, x22, [sp, #S_ELR]
	mrs	x21, esr_el1
	mrs	x22, far_el1
	stp	x21, x22, [sp, #S_ESR]
	msr	daifclr, #0xd
.endm

.macro vbad kind
	.align 7
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	mov	x1, #\kind
	b	bad_common
.endm

	.text
	.align 11
	.globl vectors
vectors:
	/* current EL with SP_EL0: never used */
	vbad 0
	vbad 1
	vbad 2
	vbad 3
	/* current EL with SP_EL1: the kernel */
	.align 7
	b	el1_sync
	.align 7
	b	el1_irq
	vbad 6
	vbad 7
	/* lower EL, AArch64: a domain's thread at EL0 (guest/domain) */
	.align 7
	b	el0_sync
	.align 7
	b	el0_irq
	vbad 10
	vbad 11
	vbad 12
	vbad 13
	vbad 14
	vbad 15

/* Is the word at sp - \off mapped for writing? Branches to \nofit if not;
 * x0 is kept in tpidrro_el0 (tpidrro_el0 and tpidr_el0 are free scratch
 * registers: nothing runs at EL0), and is back in x0 if it is. */
.macro probe off, nofit
	msr	tpidrro_el0, x0
	sub	x0, sp, #\off
	at	s1e1w, x0
	isb
	mrs	x0, par_el1
	tbnz	x0, #0, \nofit
	mrs	x0, tpidrro_el0
.endm

/* Would a frame fit below sp? Its top and its bottom word must both be
 * mapped: sp may already be inside a guard page, with the frame's bottom
 * in the stack below (another thread's). */
.macro probe_frame nofit
	probe	8, \nofit
	probe	FRAME_SIZE, \nofit
.endm

/* No room: build the frame on this CPU's emergency stack (x0 in
 * tpidrro_el0) and call \handler with it. */
.macro on_emergency_stack handler
	mov	x0, sp
	msr	tpidr_el0, x0
	mrs	x0, tpidr_el1
	cbz	x0, early_hang
	ldr	x0, [x0, #CPU_OFF_EMERG_SP_ASM]
	cbz	x0, early_hang
	mov	sp, x0
	mrs	x0, tpidrro_el0
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	save_rest emergency
	mov	x0, sp
	bl	\handler
	b	exception_return
.endm

el1_sync:
	probe_frame 1f
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	save_rest normal
	mov	x0, sp
	bl	arch_trap_sync
	b	exception_return
1:	on_emergency_stack arch_trap_sync

/* An interrupt whose frame would not fit is the guard-page fault it would
 * have been (arch_trap_irq_no_room): the thread is killed, the interrupt,
 * never acknowledged, is taken later on another stack. */
el1_irq:
	probe	8, 1f			/* a bottom that does not fit faults:
					 * el1_sync then takes it */
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	save_rest normal
	mov	x0, sp
	bl	arch_trap_irq
	b	exception_return
1:	on_emergency_stack arch_trap_irq_no_room

/* From EL0, sp is the thread's own kernel stack where it left it for
 * user mode (arch_user_enter): no probe needed. */
el0_sync:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	save_rest user
	mov	x29, #0			/* backtraces stop here */
	mov	x0, sp
	bl	arch_trap_el0_sync
	b	exception_return

el0_irq:
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp]
	save_rest user
	mov	x29, #0
	mov	x0, sp
	bl	arch_trap_irq
	b	exception_return

early_hang:
	wfe				/* no per-CPU data yet: nothing to do */
	b	early_hang

bad_common:
	save_rest normal
	mov	x0, sp
	bl	arch_trap_bad		/* x1 = kind; does not return */
	b	arch_halt_forever

	.globl exception_return
exception_return:
	msr	daifset, #0xf
	ldp	x21, x22, [sp, #S_ELR]
	msr	elr_el1, x21
	msr	spsr_el1, x22
	tst	x22, #0xf		/* M[3:0] = 0: back to EL0 */
	b.ne	1f
	ldr	x21, [sp, #S_SP]
	msr	sp_el0, x21
	msr	tpidrro_el0, xzr	/* the probes' scratch: not for EL0 */
	msr	tpidr_el0, xzr		/* and the emergency path's: EL0 has
					 * no thread register (guest/domain) */
1:
	ldp	x0, x1, [sp, #16 * 0]
	ldp	x2, x3, [sp, #16 * 1]
	ldp	x4, x5, [sp, #16 * 2]
	ldp	x6, x7, [sp, #16 * 3]
	ldp	x8, x9, [sp, #16 * 4]
	ldp	x10, x11, [sp, #16 * 5]
	ldp	x12, x13, [sp, #16 * 6]
	ldp	x14, x15, [sp, #16 * 7]
	ldp	x16, x17, [sp, #16 * 8]
	ldp	x18, x19, [sp, #16 * 9]
	ldp	x20, x21, [sp, #16 * 10]
	ldp	x22, x23, [sp, #16 * 11]
	ldp	x24, x25, [sp, #16 * 12]
	ldp	x26, x27, [sp, #16 * 13]
	ldp	x28, x29, [sp, #16 * 14]
	ldr	x30, [sp, #S_X30]
	add	sp, sp, #FRAME_SIZE
	eret

/* __noreturn void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg):
 * EL0t at pc, IRQs unmasked there; traps come back onto this stack. */
	.globl arch_user_enter
arch_user_enter:
	BTI_C
	msr	daifset, #0xf
	msr	sp_el0, x1
	msr	elr_el1, x0
	msr	spsr_el1, xzr
	msr	tpidrro_el0, xzr
	msr	tpidr_el0, xzr
	mov	x0, x2
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	mov	x4, xzr
	mov	x5, xzr
	mov	x6, xzr
	mov	x7, xzr
	mov	x8, xzr
	mov	x9, xzr
	mov	x10, xzr
	mov	x11, xzr
	mov	x12, xzr
	mov	x13, xzr
	mov	x14, xzr
	mov	x15, xzr
	mov	x16, xzr
	mov	x17, xzr
	mov	x18, xzr
	mov	x19, xzr
	mov	x20, xzr
	mov	x21, xzr
	mov	x22, xzr
	mov	x23, xzr
	mov	x24, xzr
	mov	x25, xzr
	mov	x26, xzr
	mov	x27, xzr
	mov	x28, xzr
	mov	x29, xzr
	mov	x30, xzr
	eret
