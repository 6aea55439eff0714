/* SPDX-License-Identifier: MIT */
/*
 * User-mode programs of suite "domains" (see domains.c). They run in ring 3
 * / EL0 inside a domain; their argument is the address of their block in
 * the domain's memory (domains_prog.h).
 */
#include "tests/guest/domains_prog.h"

void u_hello(long arg)
{
	uwrite("hello from user mode\n");
	uexit(arg + 1);
}

/* The access it is told to make; it survives only if nothing stops it. */
void u_poke(long arg)
{
	struct poke *p = (struct poke *)arg;

	switch (p->mode) {
	case POKE_READ:
		p->seen = *(volatile uint64_t *)p->addr;
		break;
	case POKE_WRITE:
		*(volatile uint64_t *)p->addr = 0x5a5a5a5a5a5a5a5aull;
		break;
	case POKE_EXEC:
		((void (*)(void))p->addr)();
		break;
	case POKE_PRIV:
#if defined(__x86_64__)
		__asm__ volatile("cli; hlt");
#elif defined(__aarch64__)
		__asm__ volatile("msr daifset, #0xf");
#else
		__asm__ volatile("csrci sstatus, 2");
#endif
		break;
	}
	uexit(0);
}

static void worker(long arg)
{
	struct counter_job *j = (struct counter_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		umutex_lock(&j->m);
		j->value++;
		if (!(i & 7))
			usys(SYS_YIELD, 0, 0, 0, 0); /* hold it across a switch */
		umutex_unlock(&j->m);
	}
	uexit(0);
}

/* Spawns the workers, joins them: the sum of their results (0 each) and
 * of failed joins. */
void u_counter(long arg)
{
	struct counter_job *j = (struct counter_job *)arg;
	long h[8], bad = 0;

	for (uint32_t i = 0; i < j->workers && i < 8; i++) {
		h[i] = uspawn(worker, arg, 8192, 8);
		if (h[i] < 0)
			j->spawn_fail++;
	}
	for (uint32_t i = 0; i < j->workers && i < 8; i++) {
		long r = -1;

		if (h[i] >= 0 && (ujoin(h[i], &r) || r))
			bad++;
	}
	uexit(bad);
}

void u_spin(long arg)
{
	struct spin_job *j = (struct spin_job *)arg;

	while (!j->stop) {
		j->ticks++;
		if (!(j->ticks & 1023))
			usys(SYS_YIELD, 0, 0, 0, 0);
	}
	uexit((long)(j->ticks != 0));
}

void u_ping(long arg)
{
	struct ping_job *j = (struct ping_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		usem_post(&j->a);
		usem_wait(&j->b);
	}
	uexit(0);
}

void u_pong(long arg)
{
	struct ping_job *j = (struct ping_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		usem_wait(&j->a);
		usem_post(&j->b);
	}
	uexit(0);
}

void u_idle(long arg)
{
	uexit(arg);
}

/* Only a return: what the kernel calls to prove it cannot run user code
 * (harmless if it can). */
void u_nop(void)
{
}

/* Every system call that takes a pointer, given ones it may not use. */
void u_badptr(long arg)
{
	struct badptr_job *j = (struct badptr_job *)arg;
	long h = uspawn(u_idle, 7, 4096, 8);
	char *p = (char *)j->kernel_addr;

	j->results[0] = usys(SYS_WRITE, (long)p, 8, 0, 0);
	j->results[1] = usys(SYS_WRITE, (long)j->unmapped_addr, 8, 0, 0);
	j->results[2] = usys(SYS_FUTEX_WAIT, (long)p, 0, 0, 0);
	j->results[3] = usys(SYS_FUTEX_WAKE, (long)j->other_addr, 1, 0, 0);
	j->results[4] = h < 0 ? h : usys(SYS_JOIN, h, (long)p, 0, 0);
	j->results[5] = usys(SYS_SPAWN, (long)p, 0, (long)j->unmapped_addr, 8);
	j->results[6] = usys(SYS_FUTEX_WAIT, (long)&j->results[6] + 1, 0, 0, 0);
	j->results[7] = usys(SYS_NR + 5, 0, 0, 0, 0);
	if (h >= 0)
		ujoin(h, 0);
	/* Above its own priority (the kernel spawned it at the default). */
	j->results[8] = uspawn(u_idle, 0, 4096, 31);
	/* A thread joining itself: refused, and its handle still joins. */
	h = uspawn(u_selfjoin, arg, 4096, 8);
	j->child = h + 1;
	while (h >= 0 && !j->results[9]) /* its try first: then ours */
		usys(SYS_YIELD, 0, 0, 0, 0);
	j->results[10] = h < 0 ? h : ujoin(h, 0);
	uexit(0);
}

void u_selfjoin(long arg)
{
	struct badptr_job *j = (struct badptr_job *)arg;

	while (!j->child)
		usys(SYS_YIELD, 0, 0, 0, 0);
	j->results[9] = ujoin(j->child - 1, 0);
	uexit(0);
}

/* Over the memory quota, then over the thread quota (2: itself and one). */
void u_quota(long arg)
{
	struct quota_job *j = (struct quota_job *)arg;
	long h;

	j->alloc_ok = usys(SYS_ALLOC, 4096, SYS_PROT_WRITE, 0, 0);
	j->alloc_over = usys(SYS_ALLOC, 128 * 1024, SYS_PROT_WRITE, 0, 0);
	h = uspawn(u_spin, (long)j->alloc_ok, 4096, 8);
	j->spawn_ok = h;
	j->spawn_over = uspawn(u_idle, 0, 4096, 8);
	if (h >= 0) {
		((struct spin_job *)j->alloc_ok)->stop = 1;
		ujoin(h, 0);
	}
	uexit(0);
}
