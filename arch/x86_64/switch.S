/* SPDX-License-Identifier: MIT */
/*
 * Context switch (callee-saved registers and the sealed return address,
 * struct switch_frame in switch.h) and the recoverable-fault jump used by
 * arch_fault_try().
 */
#include "arch/x86_64/asm.h"

	.text
/* void arch_switch(void **save_sp, void *new_sp) */
	.globl arch_switch
arch_switch:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	48(%rsp), %rdx		/* the seal of our return address */
	lea	-8(%rsp), %rax		/* (include/arch.h) */
	xor	%rax, %rdx
	xor	arch_switch_key(%rip), %rdx
	push	%rdx
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	add	$8, %rsp		/* the scheduler checked its seal */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/* First code of a new thread: r12 = entry, r13 = arg (arch_stack_init). */
	.globl thread_trampoline
thread_trampoline:
	mov	%r13, %rdi
	call	*%r12
	ud2

/* int arch_fault_try(void): save a resume point in struct fault_ctx at the
 * start of this_cpu()->arch (pcpu.h) and point this_cpu()->fault_ctx at it. */
	.globl arch_fault_try
arch_fault_try:
	mov	%gs:0, %rax
	lea	CPU_OFF_ARCH_ASM(%rax), %rdx
	mov	%rdx, CPU_OFF_FAULT_CTX_ASM(%rax)
	mov	%rbx, 0(%rdx)
	mov	%rbp, 8(%rdx)
	mov	%r12, 16(%rdx)
	mov	%r13, 24(%rdx)
	mov	%r14, 32(%rdx)
	mov	%r15, 40(%rdx)
	lea	8(%rsp), %rcx
	mov	%rcx, 48(%rdx)
	mov	(%rsp), %rcx
	mov	%rcx, 56(%rdx)
	pushfq
	pop	%rcx
	mov	%rcx, 64(%rdx)
	xor	%eax, %eax
	ret

/* __noreturn void fault_resume(void *ctx, int value) */
	.globl fault_resume
fault_resume:
	mov	0(%rdi), %rbx
	mov	8(%rdi), %rbp
	mov	16(%rdi), %r12
	mov	24(%rdi), %r13
	mov	32(%rdi), %r14
	mov	40(%rdi), %r15
	mov	48(%rdi), %rsp
	pushq	64(%rdi)
	popfq
	mov	%esi, %eax
	jmp	*56(%rdi)
