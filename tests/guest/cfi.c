/* SPDX-License-Identifier: MIT */
/*
 * Suite "cfi": control-flow integrity the kernel enforces.
 * - cfi.switch_seal: a thread's saved return address, overwritten while
 *   it waits (switched out), is never returned to: the scheduler finds
 *   the seal arch_switch() left beside it broken (include/arch.h), kills
 *   the thread with a report, and the rest run on. With
 *   inject=switch_unsealed the overwritten address is followed (the
 *   "hijack" runs and the thread exits normally): the check must fail.
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/sched/sched.h"
#include "guest/sched/sync.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define HIJACKED 0x417acL

static struct sem victim_go = SEM_INIT(0);
static volatile int victim_waiting, hijacked;

static long victim_fn(void *arg)
{
	victim_waiting = 1;
	sem_wait(&victim_go);
	return 1; /* only if nothing touched its frame */
}

/* Where the overwritten return address leads: reached by arch_switch()'s
 * return, mid-switch, so it finishes the switch as a new thread would,
 * then exits with a value that says it ran. */
static void hijack(void)
{
	sched_finish_switch();
	arch_irq_enable();
	hijacked = 1;
	thread_exit(HIJACKED);
}

static void suite_cfi(void)
{
	struct thread_handle h;
	unsigned cpu = st_pin_self();
	long result = 0;
	int rc;

	victim_waiting = 0;
	hijacked = 0;
	sem_init(&victim_go, 0);
	st_need(st_spawn(victim_fn, NULL, "cfi-victim", SCHED_PRIO_DEFAULT,
			 1ull << cpu, &h), "cfi-victim");
	/* Our vCPU alone runs it: once it waits, it is switched out. */
	while (!victim_waiting ||
	       __atomic_load_n(&h.t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED ||
	       __atomic_load_n(&h.t->on_cpu, __ATOMIC_ACQUIRE))
		thread_yield();
	*(uintptr_t *)((char *)h.t->sp + ARCH_SWITCH_RET_OFF) = (uintptr_t)hijack;
	sem_post(&victim_go);
	rc = thread_join(h, &result);
	st_unpin_self();
	report(rc == -EOWNERDEAD && !hijacked, "cfi.switch_seal",
	       "a waiting thread's overwritten return address: join %d, "
	       "result 0x%lx, the hijack %s", rc, result,
	       hijacked ? "ran" : "did not run");
}
SUITE("cfi", suite_cfi);
