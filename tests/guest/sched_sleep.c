/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_sleep": sleepers on every vCPU never wake early, wake in
 * deadline order, and are late by at most a bound the suite prints.
 */
#include "arch.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define SAMPLES 20

struct late_ctx {
	uint64_t period;
	uint64_t lat[SAMPLES];
	unsigned early;
	unsigned n;
};

static long sleeper(void *arg)
{
	struct late_ctx *c = arg;
	unsigned i;

	for (i = 0; i < c->n; i++) {
		uint64_t target = virt_clock_ns() + c->period;

		thread_sleep_until(target);
		if (virt_clock_ns() < target)
			c->early++;
		c->lat[i] = virt_clock_ns() - target;
	}
	return 0;
}

/* One sleeper per vCPU, 1 ms periods: lateness p50 and worst per vCPU. */
static void lateness(void)
{
	struct late_ctx c[MAX_CPUS];
	struct thread_handle h[MAX_CPUS];
	unsigned n = cpu_count(), i, early = 0, over = 0;
	/* Two slices and 5 ms, more where kernel code runs slowly. */
	uint64_t bound = (2 * sched_slice_ns + 5 * MS) *
			 MAX(1u, st_slowdown() / 10);
	uint64_t worst = 0, med_worst = 0;

	for (i = 0; i < n; i++) {
		c[i] = (struct late_ctx){.period = 1 * MS,
					 .n = st_scale(SAMPLES, 5)};
		st_spawn(sleeper, &c[i], "sleeper", 20, 1ull << i, &h[i]);
	}
	for (i = 0; i < n; i++) {
		uint64_t med;

		thread_join(h[i], NULL);
		early += c[i].early;
		med = st_median(c[i].lat, c[i].n);
		worst = MAX(worst, c[i].lat[c[i].n - 1]);
		med_worst = MAX(med_worst, med);
		over += med > bound;
		report_info("sched_sleep.lateness", "vCPU %u: 1 ms sleeps late "
			    "by p50 %lu ns, max %lu ns", i, med,
			    c[i].lat[c[i].n - 1]);
	}
	report(!early, "sched_sleep.never_early", "%u early wakeups", early);
	report(!over, "sched_sleep.lateness_bound", "median lateness %lu ns "
	       "over the bound %lu ns", med_worst, bound);
	report_info("sched_sleep.lateness_bound", "bound on the median: %lu "
		    "ns; worst single wakeup %lu ns", bound, worst);
}

struct order_ctx {
	volatile unsigned next;   /* wake order counter */
	volatile unsigned ready;  /* threads waiting at the gate */
	volatile uint64_t base;   /* first deadline, set before the gate opens */
	uint64_t spacing;         /* between deadlines: 3 ms, more if slow */
	struct sem gate;
	unsigned pos[16];
};

struct order_arg {
	struct order_ctx *c;
	unsigned idx;
};

static long order_fn(void *arg)
{
	struct order_arg *a = arg;
	struct order_ctx *c = a->c;

	__atomic_fetch_add(&c->ready, 1, __ATOMIC_RELAXED);
	sem_wait(&c->gate);
	thread_sleep_until(c->base + a->idx * c->spacing);
	c->pos[a->idx] = __atomic_fetch_add(&c->next, 1, __ATOMIC_RELAXED);
	return 0;
}

/* 16 sleepers on one vCPU, spawned in scrambled order, wake in deadline
 * order (deadlines 3 ms apart, more on slow backends, the first one after
 * all are asleep). */
static void ordering(void)
{
	struct order_ctx c = {0};
	struct order_arg a[16];
	struct thread_handle h[16];
	uint64_t t0 = virt_clock_ns(), nap = 0;
	unsigned i, bad = 0;

	sem_init(&c.gate, 0);
	c.spacing = 3 * MS * MIN(st_slowdown(), 20u);
	for (i = 0; i < 16; i++) {
		unsigned k = (i * 7) % 16;

		a[k] = (struct order_arg){.c = &c, .idx = k};
		st_spawn(order_fn, &a[k], "order", 20, 1, &h[k]);
	}
	while (c.ready < 16)
		st_backoff(&nap);
	/* Spawning took t; opening the gate for all costs about as much. */
	c.base = virt_clock_ns() + 2 * (virt_clock_ns() - t0) + 5 * MS;
	for (i = 0; i < 16; i++)
		sem_post(&c.gate);
	for (i = 0; i < 16; i++) {
		thread_join(h[i], NULL);
		bad += c.pos[i] != i;
	}
	report(!bad, "sched_sleep.deadline_order", "%u sleepers out of order",
	       bad);
}

static long random_sleeper(void *arg)
{
	uint64_t d = (uintptr_t)arg, target = virt_clock_ns() + d;

	thread_sleep_ns(d);
	return virt_clock_ns() >= target;
}

/* Many sleepers with random deadlines on all vCPUs: all wake, none early. */
static void many_sleepers(void)
{
	enum { N = 200 };
	static struct thread_handle h[N];
	struct st_rng rng = {99};
	unsigned i, ok = 0, n = st_scale(N, 20);
	long r;

	for (i = 0; i < n; i++)
		st_spawn(random_sleeper,
			 (void *)(uintptr_t)(st_rand(&rng) % (20 * MS)),
			 "rsleep", (int)(st_rand(&rng) % 32), 0, &h[i]);
	for (i = 0; i < n; i++)
		ok += !thread_join(h[i], &r) && r == 1;
	report(ok == n, "sched_sleep.many_sleepers",
	       "%u of %u woke on time", ok, n);
}

static void suite_sleep(void)
{
	lateness();
	ordering();
	many_sleepers();
}
SUITE("sched_sleep", suite_sleep);
