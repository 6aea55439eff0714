/* SPDX-License-Identifier: MIT */
/*
 * Context switch (callee-saved registers and the sealed return address,
 * struct switch_frame in switch.h) and the recoverable-fault jump used by
 * arch_fault_try().
 */
#include "arch/arm64/asm.h"

	.text
/* void arch_switch(void **save_sp, void *new_sp) */
	.globl arch_switch
arch_switch:
	BTI_C
	sub	sp, sp, #112
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	x29, x30, [sp, #96]
	mov	x2, sp			/* the seal of x30 (include/arch.h) */
	adrp	x3, arch_switch_key
	ldr	x3, [x3, :lo12:arch_switch_key]
	eor	x4, x30, x2
	eor	x4, x4, x3
	str	x4, [sp]
	str	x2, [x0]
	mov	sp, x1			/* the scheduler checked its seal */
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp, #96]
	add	sp, sp, #112
	ret

/* First code of a new thread: x19 = entry, x20 = arg (arch_stack_init). */
	.globl thread_trampoline
thread_trampoline:
	mov	x0, x20
	blr	x19
	brk	#1

/* int arch_fault_try(void): save a resume point in struct fault_ctx at the
 * start of this_cpu()->arch (pcpu.h) and point this_cpu()->fault_ctx at it. */
	.globl arch_fault_try
arch_fault_try:
	BTI_C
	mrs	x0, tpidr_el1
	add	x1, x0, #CPU_OFF_ARCH_ASM
	str	x1, [x0, #CPU_OFF_FAULT_CTX_ASM]
	stp	x19, x20, [x1, #0]
	stp	x21, x22, [x1, #16]
	stp	x23, x24, [x1, #32]
	stp	x25, x26, [x1, #48]
	stp	x27, x28, [x1, #64]
	stp	x29, x30, [x1, #80]
	mov	x2, sp
	mrs	x3, daif
	stp	x2, x3, [x1, #96]
	mov	x0, #0
	ret

/* __noreturn void fault_resume(void *ctx, int value) */
	.globl fault_resume
fault_resume:
	BTI_C
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldp	x2, x3, [x0, #96]
	mov	sp, x2
	msr	daif, x3
	mov	w0, w1
	ret
