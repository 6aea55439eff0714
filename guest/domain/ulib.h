/* SPDX-License-Identifier: MIT */
/*
 * The user-mode runtime, for *.user.c files only: system-call wrappers
 * (abi.h), and a mutex and a semaphore on the futex calls. Everything is
 * static inline: user code is position independent and calls nothing
 * outside its own file (it runs at each domain's own address, and the
 * kernel's code is not mapped for it).
 */
#ifndef GUEST_DOMAIN_ULIB_H
#define GUEST_DOMAIN_ULIB_H

#include "types.h"
#include "guest/domain/abi.h"

static inline long usys(long nr, long a0, long a1, long a2, long a3)
{
#if defined(__x86_64__)
	register long r10 __asm__("r10") = a3;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a0), "S"(a1), "d"(a2), "r"(r10)
			 : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a0;
	register long x1 __asm__("x1") = a1;
	register long x2 __asm__("x2") = a2;
	register long x3 __asm__("x3") = a3;

	__asm__ volatile("svc #0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2), "r"(x3)
			 : "memory");
	return x0;
#elif defined(__riscv)
	register long a7 __asm__("a7") = nr;
	register long r0 __asm__("a0") = a0;
	register long r1 __asm__("a1") = a1;
	register long r2 __asm__("a2") = a2;
	register long r3 __asm__("a3") = a3;

	__asm__ volatile("ecall"
			 : "+r"(r0)
			 : "r"(a7), "r"(r1), "r"(r2), "r"(r3)
			 : "memory");
	return r0;
#else
#error "no system calls for this arch"
#endif
}

static inline __noreturn void uexit(long result)
{
	usys(SYS_EXIT, result, 0, 0, 0);
	__builtin_unreachable();
}

static inline size_t ustrlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

static inline long uwrite(const char *s)
{
	return usys(SYS_WRITE, (long)s, (long)ustrlen(s), 0, 0);
}

static inline long ufutex_wait(volatile uint32_t *w, uint32_t expected)
{
	return usys(SYS_FUTEX_WAIT, (long)w, expected, 0, 0);
}

static inline long ufutex_wake(volatile uint32_t *w, long n)
{
	return usys(SYS_FUTEX_WAKE, (long)w, n, 0, 0);
}

/* Start fn(arg) in a new thread of this domain on a fresh stack of
 * stack_bytes: a handle for ujoin(), or a negative errno. */
static inline long uspawn(void (*fn)(long), long arg, size_t stack_bytes,
			  int prio)
{
	long stack = usys(SYS_ALLOC, (long)stack_bytes, SYS_PROT_WRITE, 0, 0);

	if (stack < 0)
		return stack;
	return usys(SYS_SPAWN, (long)fn, arg, stack + (long)stack_bytes, prio);
}

static inline long ujoin(long handle, long *result)
{
	return usys(SYS_JOIN, handle, (long)result, 0, 0);
}

/* A mutex: 0 free, 1 held, 2 held with (maybe) waiters. */
struct umutex {
	uint32_t v;
};

static inline uint32_t ucas(volatile uint32_t *p, uint32_t old, uint32_t new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_ACQUIRE,
				    __ATOMIC_RELAXED);
	return old;
}

static inline void umutex_lock(struct umutex *m)
{
	uint32_t c = ucas(&m->v, 0, 1);

	if (!c)
		return;
	do {
		if (c == 2 || ucas(&m->v, 1, 2) != 0)
			ufutex_wait(&m->v, 2);
	} while ((c = ucas(&m->v, 0, 2)) != 0);
}

static inline void umutex_unlock(struct umutex *m)
{
	if (__atomic_fetch_sub(&m->v, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->v, 0, __ATOMIC_RELEASE);
		ufutex_wake(&m->v, 1);
	}
}

/* A counting semaphore; waiters counts the threads that may sleep on it,
 * so a post wakes (a system call) only when one might. */
struct usem {
	uint32_t count;
	uint32_t waiters;
};

static inline void usem_wait(struct usem *s)
{
	for (;;) {
		uint32_t c = __atomic_load_n(&s->count, __ATOMIC_RELAXED);

		while (c) {
			if (__atomic_compare_exchange_n(&s->count, &c, c - 1,
							true, __ATOMIC_ACQUIRE,
							__ATOMIC_RELAXED))
				return;
		}
		__atomic_fetch_add(&s->waiters, 1, __ATOMIC_SEQ_CST);
		if (!__atomic_load_n(&s->count, __ATOMIC_SEQ_CST))
			ufutex_wait(&s->count, 0);
		__atomic_fetch_sub(&s->waiters, 1, __ATOMIC_RELAXED);
	}
}

static inline void usem_post(struct usem *s)
{
	__atomic_fetch_add(&s->count, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&s->waiters, __ATOMIC_SEQ_CST))
		ufutex_wake(&s->count, 1);
}

#endif
