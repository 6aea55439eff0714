/* SPDX-License-Identifier: MIT */
/*
 * Benchmarks for an overcommitted host (tools/lab --scenario overcommit):
 * every vCPU busy at once, so a hypervisor with fewer physical CPUs than
 * the guest has vCPUs must stop some of them while they hold or wait for
 * something. Not in bench=all; named one by one.
 *
 * - lock_handoff: one thread per vCPU takes turns on one ticket spinlock
 *   (IRQs off, so pvspin waiters may halt): a sample is the time from a
 *   release to the acquisition by a thread on another vCPU.
 * - mutex_tput: one thread per vCPU takes turns on one mutex: a sample is
 *   the time one mutex_lock call took; the throughput (lock sections per
 *   second over all threads) is the BENCHRATE line.
 * - wake_loaded: wake_remote with a lowest-priority spinner on every
 *   vCPU, so no vCPU is idle and the hypervisor time-slices them all; the
 *   waiter may run on any vCPU but the poster's, so placement has a choice.
 *
 * Each runs for a time, not a count: OC_NS_PER_ITER per sample asked for
 * (quick: 100 -> 200 ms), and takes what samples fit, so that it spans many of the hypervisor's
 * time slices and the figures describe the steady state, not whether
 * the first stall fell inside the run (1,000 lock sections under x86
 * Xen took 11 ms in one configuration and 400 ms in another). The work
 * inside and between the critical sections is a fixed count of empty
 * loop turns: instructions, so under icount a fixed time (not
 * arch_cpu_relax(): on arm64 its YIELD ends the vCPU's turn in QEMU).
 */
#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/bench/pin.h"
#include "guest/mm/heap.h"
#include "guest/percpu.h"
#include "guest/sched/sync.h"

#define OC_PRIO (SCHED_PRIO_MAX - 1)
#define OC_HOG_PRIO SCHED_PRIO_MIN
#define OC_INSIDE 200  /* loop turns holding the lock */
#define OC_OUTSIDE 400 /* loop turns between two lock calls */
#define OC_NS_PER_ITER 2000000ull /* run time per sample asked for */
#define OC_CAP_PER_ITER 1000       /* room for samples per one asked for */
#define OC_CAP_MAX 1000000u

static struct {
	struct bench_ctx *c;
	struct spinlock lock;
	struct mutex m;
	struct sem s1, s2;
	volatile uint64_t stamp; /* cycles: release, or post */
	volatile int last;       /* vCPU of the last holder, -1: none */
	uint64_t ops;            /* sections done, under the lock */
	uint64_t t0, t1;         /* clock at the first and last section */
	uint64_t end;            /* clock at which the run stops */
	volatile int stop;
	volatile int hogs_stop;
	volatile int abort;      /* wake_loaded: no poster, nothing to time */
} oc;

static void work(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__asm__ volatile("" : : : "memory");
}

/* A run takes as many samples as fit in its time: room for them all, so
 * the quantiles stay exact (the histogram has them anyway). */
static int oc_setup(struct bench_ctx *c)
{
	unsigned cap = (unsigned)MIN((uint64_t)c->iters * OC_CAP_PER_ITER,
				     OC_CAP_MAX);
	uint64_t *more = kmalloc(cap * sizeof(*more));

	if (more) {
		kfree(c->samples);
		c->samples = more;
		c->cap = cap;
	}
	oc.c = c;
	spin_init(&oc.lock);
	mutex_init(&oc.m);
	sem_init(&oc.s1, 0);
	sem_init(&oc.s2, 0);
	oc.last = -1;
	oc.ops = 0;
	oc.t0 = oc.t1 = 0;
	oc.stop = 0;
	oc.hogs_stop = 0;
	oc.abort = 0;
	oc.end = 0;
	return 0;
}

/* Under the lock: count one section; true when the last is done. */
static bool oc_count(void)
{
	uint64_t now = virt_clock_ns();

	if (!oc.ops++) {
		oc.t0 = now;
		oc.end = now + oc.c->iters * OC_NS_PER_ITER;
	}
	oc.t1 = now;
	if (now >= oc.end)
		oc.stop = 1;
	return oc.stop;
}

/* Sections per second between the first and the last. */
static void oc_rate(struct bench_ctx *c)
{
	c->ops = oc.ops > 1 ? oc.ops - 1 : 0;
	c->ops_ns = oc.t1 - oc.t0;
}

/* One thread per online vCPU running fn(vCPU), joined. */
static void on_every_cpu(long (*fn)(void *), int prio)
{
	struct thread_handle h[MAX_CPUS];
	unsigned n = cpu_count(), started = 0;
	int old = bench_boost_self();

	for (unsigned i = 0; i < n; i++)
		if (!bench_spawn(i, prio, fn, (void *)(uintptr_t)i, &h[started]))
			started++;
	for (unsigned i = 0; i < started; i++)
		thread_join(h[i], NULL);
	thread_set_priority(thread_self(), old);
}

/* ---- lock_handoff ---- */
static long lock_side(void *arg)
{
	int me = (int)(uintptr_t)arg;

	for (;;) {
		unsigned long f = spin_lock_irqsave(&oc.lock);
		uint64_t now = bench_now();

		if (oc.stop) {
			spin_unlock_irqrestore(&oc.lock, f);
			return 0;
		}
		if (oc.last >= 0 && oc.last != me)
			bench_sample(oc.c, now - oc.stamp);
		oc_count();
		work(OC_INSIDE);
		oc.last = me;
		oc.stamp = bench_now();
		spin_unlock_irqrestore(&oc.lock, f);
		work(OC_OUTSIDE);
	}
}

static void lock_handoff_run(struct bench_ctx *c)
{
	on_every_cpu(lock_side, OC_PRIO);
	oc_rate(c);
}

/* ---- mutex_tput ---- */
static long mutex_tput_side(void *arg)
{
	for (;;) {
		uint64_t t = bench_now();

		mutex_lock(&oc.m);
		if (oc.stop) {
			mutex_unlock(&oc.m);
			return 0;
		}
		bench_sample(oc.c, bench_now() - t);
		oc_count();
		work(OC_INSIDE);
		mutex_unlock(&oc.m);
		work(OC_OUTSIDE);
	}
}

static void mutex_tput_run(struct bench_ctx *c)
{
	on_every_cpu(mutex_tput_side, OC_PRIO);
	oc_rate(c);
}

/* ---- wake_loaded ---- */
static long hog(void *arg)
{
	while (!oc.hogs_stop)
		work(16);
	return 0;
}

/* The poster decides when to stop and tells the waiter in the round's
 * shared state: stop is read after each handoff. */
static long loaded_poster(void *arg)
{
	uint64_t end = virt_clock_ns() + oc.c->iters * OC_NS_PER_ITER;

	for (;;) {
		oc.stop = virt_clock_ns() >= end;
		oc.stamp = bench_now();
		sem_post(&oc.s1);
		if (oc.stop)
			return 0;
		sem_wait(&oc.s2);
	}
}

static long loaded_waiter(void *arg)
{
	for (;;) {
		sem_wait(&oc.s1);
		if (oc.abort)
			return 0;
		bench_sample(oc.c, bench_now() - oc.stamp);
		if (oc.stop)
			return 0;
		sem_post(&oc.s2);
	}
}

static void wake_loaded_run(struct bench_ctx *c)
{
	struct thread_handle hogs[MAX_CPUS], hp, hw;
	unsigned n = cpu_count(), nh = 0, a = bench_cpu_a();
	int old = bench_boost_self();
	struct thread_attr wa;

	for (unsigned i = 0; i < n; i++)
		if (!bench_spawn(i, OC_HOG_PRIO, hog, NULL, &hogs[nh]))
			nh++;
	thread_attr_init(&wa);
	wa.name = "bench-waiter";
	wa.prio = OC_PRIO;
	wa.affinity = ((n < 64 ? (1ull << n) : 0) - 1) & ~(1ull << a);
	if (!thread_spawn(loaded_waiter, NULL, &wa, &hw)) {
		if (!bench_spawn(a, OC_PRIO, loaded_poster, NULL, &hp)) {
			thread_join(hp, NULL);
		} else { /* no poster: let the waiter go */
			oc.abort = 1;
			sem_post(&oc.s1);
		}
		thread_join(hw, NULL);
	}
	oc.hogs_stop = 1;
	for (unsigned i = 0; i < nh; i++)
		thread_join(hogs[i], NULL);
	thread_set_priority(thread_self(), old);
}

const struct bench bench_overcommit[] = {
	{"lock_handoff", "spinlock release to acquisition elsewhere, all vCPUs "
	 "contend", oc_setup, lock_handoff_run, NULL, 2000, 0, 2,
	 OC_NS_PER_ITER},
	{"mutex_tput", "one mutex_lock call, a thread per vCPU contending",
	 oc_setup, mutex_tput_run, NULL, 2000, 0, 2, OC_NS_PER_ITER},
	{"wake_loaded", "sem_post to the waiter elsewhere, every vCPU busy",
	 oc_setup, wake_loaded_run, NULL, 2000, 0, 2, OC_NS_PER_ITER},
};
const unsigned bench_overcommit_count = ARRAY_SIZE(bench_overcommit);
