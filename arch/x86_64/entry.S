/* SPDX-License-Identifier: MIT */
/*
 * Interrupt and exception entry: 256 stubs that push a uniform frame
 * (struct arch_regs in traps.h) and call arch_trap(); the system-call
 * entry, which builds the same frame; and the first entry to user mode.
 * From user mode (CS's RPL 3), swapgs brings in the kernel's %gs base
 * (this_cpu()) and gives the user's back on the way out.
 */
#include "arch/x86_64/asm.h"

/* Vectors for which the CPU pushes an error code. */
#define HAS_ERR(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
		    (v) == 21 || (v) == 29 || (v) == 30)

/* The general registers, in struct arch_regs's order (rax highest). */
.macro push_gprs
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
.endm

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
	push_gprs
	cld
	testb	$3, REGS_CS(%rsp)
	jz	3f
	swapgs
	pushq	$2			/* no AC (SMAP), IF already off */
	popfq
	xor	%ebp, %ebp		/* backtraces stop here */
1:	mov	%rsp, %rdi
	call	arch_trap
	testb	$3, REGS_CS(%rsp)
	jz	2f
	swapgs
2:	pop	%r15
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

/*
 * From kernel mode. %gs is the kernel's except in the few instructions
 * between an entry from user mode and its swapgs (here above, and at
 * syscall_entry) and between an exit's swapgs and its iretq / sysretq.
 * IF is off in all of them, so no interrupt can arrive there, but one
 * hypervisor does deliver one: Xen 4.17 nested in QEMU TCG (SVM) delivers
 * its upcall vector a second time a few instructions into the handler of
 * the first (the event it already delivered, re-injected), with IF off.
 * With the user's %gs, this_cpu() would read page 0 and the handler would
 * fault and fault again down the stack, over whatever memory lies below
 * it. An interrupt whose frame says IF was off cannot come from the CPU's
 * own rules: count it and return to where it came in; the handler it
 * interrupted sees whatever it signalled (Xen: the pending bits). An
 * exception with IF off checks %gs itself and stops the kernel, naming
 * the window, rather than run a handler on page 0's contents. With IF on
 * (every other interrupt) none of this applies: two instructions.
 */
3:	testl	$0x200, REGS_RFLAGS(%rsp)
	jnz	1b
	cmpq	$32, REGS_VECTOR(%rsp)
	jb	4f
	lock incq irq_masked_dropped(%rip)
	jmp	2b
4:	cmpq	$VEC_NMI, REGS_VECTOR(%rsp)
	je	1b			/* panic's stop signal: halts, no %gs */
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	or	%eax, %edx		/* the user's base is 0 (set at boot, */
	jnz	1b			/* and user mode cannot change it) */
	swapgs
	mov	%rsp, %rdi
	call	entry_user_gs		/* does not return */
	ud2

/* syscall from user mode: rcx = user rip, r11 = user rflags, IRQs off
 * (FMASK). Onto this thread's kernel stack (%gs:PCPU_KSTACK), a frame like
 * an interrupt's, kernel_syscall(rax, rdi, rsi, rdx, r10), its result in
 * rax, and back with sysret (iret if the return address is not a
 * lower-half one: sysret would fault on it in ring 0). */
	.globl syscall_entry
syscall_entry:
	swapgs
	mov	%rsp, %gs:PCPU_USER_RSP_ASM
	mov	%gs:PCPU_KSTACK_ASM, %rsp
	pushq	$(GDT_UDATA | 3)
	pushq	%gs:PCPU_USER_RSP_ASM
	push	%r11
	pushq	$(GDT_UCODE64 | 3)
	push	%rcx
	pushq	$0
	pushq	$VEC_SYSCALL
	push_gprs
	cld
	xor	%ebp, %ebp
	mov	%rdx, %rcx
	mov	%rsi, %rdx
	mov	%rdi, %rsi
	mov	%rax, %rdi
	mov	%r10, %r8
	call	kernel_syscall		/* returns with IRQs off */
	mov	%rax, REGS_RAX(%rsp)
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	add	$8, %rsp		/* r11: the flags, below */
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	add	$8, %rsp		/* rcx: the return address, below */
	pop	%rbx
	pop	%rax
	mov	16(%rsp), %rcx		/* rip */
	mov	32(%rsp), %r11		/* rflags */
	bt	$47, %rcx
	jc	1f
	mov	40(%rsp), %rsp		/* the user's */
	swapgs
	sysretq
1:	add	$16, %rsp
	swapgs
	iretq

/* __noreturn void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg) */
	.globl arch_user_enter
arch_user_enter:
	cli
	pushq	$(GDT_UDATA | 3)
	push	%rsi
	pushq	$0x202			/* IF */
	pushq	$(GDT_UCODE64 | 3)
	push	%rdi
	mov	%rdx, %rdi
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	swapgs
	iretq
