/* SPDX-License-Identifier: MIT */
/*
 * Scheduler benchmarks: thread switch by yield, semaphore handoff on one
 * vCPU and across two, timer lateness of a sleeping thread (1 and 10 kHz),
 * preemption of a spinner by a timer-woken thread, spawn+join, and a
 * contended mutex handed between vCPUs. Samples are one-way latencies from
 * a stamp taken by one thread to the first instruction of the other.
 */
#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/bench/pin.h"
#include "guest/percpu.h"
#include "guest/sched/sync.h"

#define PRIO_LOW (SCHED_PRIO_DEFAULT - 2)
#define PRIO_HIGH (SCHED_PRIO_MAX - 1)

int bench_spawn(unsigned cpu, int prio, long (*fn)(void *), void *arg,
		struct thread_handle *h)
{
	struct thread_attr a;

	thread_attr_init(&a);
	a.name = "bench";
	a.prio = prio;
	a.affinity = 1ull << cpu;
	return thread_spawn(fn, arg, &a, h);
}

/* The caller outranks the benchmark threads while it spawns them: else the
 * first one spawned on its vCPU preempts it, and it stays runnable during
 * the whole measurement, pushed from vCPU to vCPU whenever one idles for a
 * moment (an IPI each time). Boosted, it reaches the join and sleeps. */
int bench_boost_self(void)
{
	int old = thread_get_priority(thread_self());

	thread_set_priority(thread_self(), SCHED_PRIO_MAX);
	return old;
}

struct body {
	void (*fn)(void *);
	void *arg;
};

static long body_thread(void *arg)
{
	struct body *b = arg;

	b->fn(b->arg);
	return 0;
}

void bench_on_cpu(unsigned cpu, void (*fn)(void *), void *arg)
{
	struct body b = {fn, arg};
	struct thread_handle h;
	int old = bench_boost_self();

	if (!bench_spawn(cpu, PRIO_HIGH, body_thread, &b, &h))
		thread_join(h, NULL);
	thread_set_priority(thread_self(), old);
}

/* State shared by the two threads of a pair benchmark. */
struct pair {
	struct bench_ctx *c;
	volatile uint64_t stamp;  /* set by one side just before handing off */
	struct sem s1, s2;
	struct mutex m;
	volatile int owner;       /* mutex_handoff: last unlocker, 1 or 2 */
	unsigned handoffs;        /* mutex_handoff: lock calls, under m */
	volatile int stop;
	unsigned rounds;
};
static struct pair pr;

static void run_pair(long (*a)(void *), unsigned cpu_a, int prio_a,
		     long (*b)(void *), unsigned cpu_b, int prio_b)
{
	struct thread_handle ha, hb;
	int old = bench_boost_self();

	if (!bench_spawn(cpu_b, prio_b, b, (void *)2, &hb)) {
		if (!bench_spawn(cpu_a, prio_a, a, (void *)1, &ha))
			thread_join(ha, NULL);
		thread_join(hb, NULL);
	}
	thread_set_priority(thread_self(), old);
}

static int pair_setup(struct bench_ctx *c)
{
	pr = (struct pair){.c = c, .rounds = c->iters};
	sem_init(&pr.s1, 0);
	sem_init(&pr.s2, 0);
	mutex_init(&pr.m);
	return 0;
}

/* ---- yield: each side stamps, yields; the other measures ---- */
static long yield_side(void *arg)
{
	for (unsigned i = 0; i < pr.rounds / 2 + 1; i++) {
		/* The other side's stamp before the clock: preempted in
		 * between, the sample grows instead of going negative (a
		 * yield that reads no clock lets slices end under the pair). */
		uint64_t start = READ_ONCE(pr.stamp), now = bench_now();

		if (i > 0 || arg == (void *)2)
			bench_sample(pr.c, now - start);
		pr.stamp = bench_now();
		thread_yield();
	}
	return 0;
}

static void yield_run(struct bench_ctx *c)
{
	unsigned cpu = bench_cpu_a();

	pr.stamp = bench_now();
	run_pair(yield_side, cpu, PRIO_HIGH, yield_side, cpu, PRIO_HIGH);
}

/* ---- semaphore handoff: poster stamps and posts, waiter measures ---- */
static long wake_poster(void *arg)
{
	for (unsigned i = 0; i < pr.rounds; i++) {
		pr.stamp = bench_now();
		sem_post(&pr.s1);
		sem_wait(&pr.s2);
	}
	return 0;
}

static long wake_waiter(void *arg)
{
	for (unsigned i = 0; i < pr.rounds; i++) {
		sem_wait(&pr.s1);
		bench_sample(pr.c, bench_now() - pr.stamp);
		sem_post(&pr.s2);
	}
	return 0;
}

static void wake_local_run(struct bench_ctx *c)
{
	unsigned cpu = bench_cpu_a();

	run_pair(wake_poster, cpu, PRIO_HIGH, wake_waiter, cpu, PRIO_HIGH);
}

static void wake_remote_run(struct bench_ctx *c)
{
	run_pair(wake_poster, bench_cpu_a(), PRIO_HIGH, wake_waiter,
		 bench_cpu_b(), PRIO_HIGH);
}

/* ---- timer: sleep until absolute deadlines, lateness on waking ---- */
static long timer_thread(void *arg)
{
	uint64_t period = pr.c->param, deadline = virt_clock_ns() + period;

	for (unsigned i = 0; i < pr.rounds; i++) {
		thread_sleep_until(deadline);
		uint64_t now = virt_clock_ns();

		bench_sample(pr.c, bench_ns_to_cycles(now > deadline ? now - deadline : 0));
		deadline += period;
		if (deadline < now) /* overran: skip missed periods */
			deadline = now + period;
	}
	pr.stop = 1;
	return 0;
}

static void timer_run(struct bench_ctx *c)
{
	struct thread_handle h;
	int old = bench_boost_self();

	if (!bench_spawn(bench_cpu_a(), PRIO_HIGH, timer_thread, NULL, &h))
		thread_join(h, NULL);
	thread_set_priority(thread_self(), old);
}

/* ---- preempt: the same, with a low-priority spinner on the vCPU ---- */
static long spinner(void *arg)
{
	while (!pr.stop)
		arch_cpu_relax();
	return 0;
}

static void preempt_run(struct bench_ctx *c)
{
	unsigned cpu = bench_cpu_a();

	run_pair(timer_thread, cpu, PRIO_HIGH, spinner, cpu, PRIO_LOW);
}

/* ---- spawn_join ---- */
static long empty_thread(void *arg) { return (long)arg; }

/* Run by a thread pinned to one vCPU, spawning there: the local path. */
static void spawn_join_body(void *arg)
{
	struct bench_ctx *c = arg;
	struct thread_attr a;

	thread_attr_init(&a);
	a.name = "empty";
	a.affinity = 1ull << thread_cpu();
	for (unsigned i = 0; i < c->iters; i++) {
		struct thread_handle h;
		long r = -1;
		uint64_t t0 = bench_now();

		if (thread_spawn(empty_thread, (void *)(long)i, &a, &h))
			break;
		thread_join(h, &r);
		bench_sample(c, bench_now() - t0);
		if (r != (long)i)
			break;
	}
}

static void spawn_join_run(struct bench_ctx *c)
{
	bench_on_cpu(bench_cpu_a(), spawn_join_body, c);
}

/* ---- mutex_handoff: unlock to a waiter asleep on another vCPU ----
 * The holder waits until the other side sleeps in mutex_lock (its lock
 * call counted in m.contended), stamps and unlocks; the waiter wakes as
 * the owner and measures. Every sample is one handoff to a blocked
 * thread, the path a contended lock takes. */
static bool other_side_asleep(uint64_t nth)
{
	uint64_t t0 = virt_clock_ns();

	for (unsigned spins = 1;; spins++) {
		if (__atomic_load_n(&pr.m.contended, __ATOMIC_ACQUIRE) >= nth)
			return true;
		/* Bounded (a broken wake may lose the other side); the
		 * clock may trap, so look at it rarely. */
		if (!(spins & 1023) && virt_clock_ns() - t0 > 1000000000ull)
			return false;
		arch_cpu_relax();
	}
}

static long mutex_side(void *arg)
{
	int me = (int)(long)arg;

	for (;;) {
		mutex_lock(&pr.m);
		uint64_t now = bench_now();
		unsigned n = ++pr.handoffs;

		if (pr.owner && pr.owner != me)
			bench_sample(pr.c, now - pr.stamp);
		if (n > pr.rounds || pr.stop || !other_side_asleep(n)) {
			pr.stop = 1;
			mutex_unlock(&pr.m);
			return 0;
		}
		pr.owner = me;
		pr.stamp = bench_now();
		mutex_unlock(&pr.m);
	}
}

static void mutex_run(struct bench_ctx *c)
{
	run_pair(mutex_side, bench_cpu_a(), PRIO_HIGH, mutex_side,
		 bench_cpu_b(), PRIO_HIGH);
}

const struct bench bench_sched[] = {
	{"yield", "thread_yield to the other thread's first instruction, one vCPU",
	 pair_setup, yield_run, NULL, 20000, 0, 1, 0},
	{"wake_local", "sem_post to the waiter running, one vCPU", pair_setup,
	 wake_local_run, NULL, 20000, 0, 1, 0},
	{"wake_remote", "sem_post to the waiter running on another (idle) vCPU",
	 pair_setup, wake_remote_run, NULL, 10000, 0, 2, 0},
	{"timer_1k", "sleep_until lateness, 1 kHz", pair_setup, timer_run, NULL,
	 2000, 1000000, 1, 0},
	{"timer_10k", "sleep_until lateness, 10 kHz", pair_setup, timer_run,
	 NULL, 10000, 100000, 1, 0},
	{"preempt", "timer-woken high-prio thread over a spinner: deadline to run",
	 pair_setup, preempt_run, NULL, 1000, 1000000, 1, 0},
	{"spawn_join", "spawn + run + join of an empty thread, one vCPU", NULL,
	 spawn_join_run, NULL, 5000, 0, 1, 0},
	{"mutex_handoff", "mutex_unlock to the waiter owning it, across vCPUs",
	 pair_setup, mutex_run, NULL, 10000, 0, 2, 0},
};
const unsigned bench_sched_count = ARRAY_SIZE(bench_sched);
