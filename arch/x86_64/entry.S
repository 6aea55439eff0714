/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: 256 stubs that push a uniform frame
 * (struct arch_regs in traps.h) and call arch_trap().
 */
#include "arch/x86_64/asm.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

	.text
	.align 16
	.globl trap_stubs
trap_stubs:
	vec = 0
	.rept 256
	.align 16
	.if HAS_ERR(vec)
	push	$vec
	.else
	push	$0
	push	$vec
	.endif
	jmp	trap_common
	vec = vec + 1
	.endr

trap_common:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	cld
	mov	%rsp, %rdi
	call	arch_trap
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
	iretq
