/* SPDX-License-Identifier: MIT */
/*
 * The system-call ABI between a domain's user-mode threads and the kernel
 * (guest/domain/syscall.c), shared with user code (ulib.h). x86-64:
 * `syscall` with the number in rax, arguments in rdi, rsi, rdx, r10, the
 * result in rax (rcx, r11 clobbered). arm64: `svc #0` with the number in
 * x8, arguments in x0..x3, the result in x0. riscv64: `ecall` with the
 * number in a7, arguments in a0..a3, the result in a0. Results are >= 0,
 * or a negative errno (include/types.h).
 */
#ifndef GUEST_DOMAIN_ABI_H
#define GUEST_DOMAIN_ABI_H

enum sys_nr {
	SYS_EXIT = 0,        /* (result): end this thread; never returns */
	SYS_YIELD = 1,       /* (): 0 */
	SYS_SLEEP = 2,       /* (ns): 0 */
	SYS_SPAWN = 3,       /* (entry, arg, stack_top, prio): a handle >= 0
			      * for SYS_JOIN; -EDQUOT over the thread quota,
			      * -EFAULT if entry is not in the code or the
			      * stack not writable in the domain, -EPERM
			      * above the caller's own priority, -EINVAL */
	SYS_JOIN = 4,        /* (handle, long *result or 0): 0,
			      * -EOWNERDEAD (it was killed), -EINVAL,
			      * -EFAULT (result not writable), -EDEADLK
			      * (its own handle: it stays joinable) */
	SYS_FUTEX_WAIT = 5,  /* (uint32_t *word, expected, timeout_ns or 0):
			      * sleeps while *word == expected until a
			      * SYS_FUTEX_WAKE on the same memory: 0,
			      * -EAGAIN (*word differed), -ETIMEDOUT,
			      * -EFAULT (not writable here), -EINVAL
			      * (misaligned) */
	SYS_FUTEX_WAKE = 6,  /* (uint32_t *word, n): threads woken, -EFAULT */
	SYS_WRITE = 7,       /* (buf, len): len written to the console,
			      * -EFAULT, -EINVAL (len > 256) */
	SYS_ALLOC = 8,       /* (bytes, prot): the address of fresh zeroed
			      * pages, -EDQUOT over the memory quota */
	SYS_NULL = 9,        /* (): 0, for round-trip benchmarks */
	SYS_CLOCK = 10,      /* (): the kernel clock, ns */
	SYS_SELF = 11,       /* (): the caller's thread id */
	SYS_NR
};

/* SYS_ALLOC prot: pages are always readable by their domain. */
#define SYS_PROT_WRITE 0x1

#endif
