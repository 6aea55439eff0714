/* SPDX-License-Identifier: MIT */
/*
 * Scheduler throughput with every vCPU busy at once (tools/scaling, and
 * bench=tput_local,tput_remote; not in bench=all): on every vCPU a pair of
 * threads hands a token back and forth with two semaphores, each handoff a
 * wakeup and a switch.
 *
 * - tput_local: both threads of a pair on one vCPU (local wakeups).
 * - tput_remote: pair i spans vCPU i and vCPU i+1 (remote wakeups, an IPI
 *   where the target sleeps).
 *
 * Each runs for a time (TPUT_NS_PER_ITER per sample asked for: quick, 40
 * ms). The BENCHRATE line gives handoffs per second over all vCPUs; one
 * sample per pair is its mean time per handoff. Under icount the vCPUs
 * take turns on one host thread and virtual time counts the instructions
 * of all of them, so there the rate's ns per handoff (ns / ops) is guest
 * instructions per handoff for the whole machine: what tools/scaling holds
 * flat from 2 to 64 vCPUs. On parallel hardware, the rate per vCPU is.
 */
#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/bench/pin.h"
#include "guest/mm/heap.h"
#include "guest/percpu.h"
#include "guest/sched/sync.h"

#define TPUT_PRIO (SCHED_PRIO_MAX - 1)
#define TPUT_NS_PER_ITER 400000ull

struct tpair {
	struct sem go, back;
	volatile int last;  /* the pinger's last round: the ponger leaves */
	uint64_t handoffs;  /* by the pinger, read after both are joined */
	uint64_t t0, t1;
	unsigned cpu_ping, cpu_pong;
} __aligned(64);

static struct {
	struct tpair *p;
	struct sem start;      /* posted once per pair when all are spawned */
	volatile uint64_t end; /* clock at which pingers stop */
} tp;

static long pinger(void *arg)
{
	struct tpair *p = arg;

	sem_wait(&tp.start);
	p->t0 = virt_clock_ns();
	for (;;) {
		p->t1 = virt_clock_ns();
		p->last = p->t1 >= tp.end;
		sem_post(&p->go);
		if (p->last)
			return 0;
		sem_wait(&p->back);
		p->handoffs += 2;
	}
}

static long ponger(void *arg)
{
	struct tpair *p = arg;

	for (;;) {
		sem_wait(&p->go);
		if (p->last)
			return 0;
		sem_post(&p->back);
	}
}

static void tput_run(struct bench_ctx *c, bool remote)
{
	unsigned n = cpu_count(), started = 0;
	struct thread_handle *h = kzalloc(2 * n * sizeof(*h));
	uint64_t ops = 0, t0 = UINT64_MAX, t1 = 0;
	int old;

	tp.p = kzalloc(n * sizeof(*tp.p));
	if (!h || !tp.p)
		goto out;
	sem_init(&tp.start, 0);
	tp.end = UINT64_MAX;
	old = bench_boost_self();
	for (unsigned i = 0; i < n; i++) {
		struct tpair *p = &tp.p[i];

		sem_init(&p->go, 0);
		sem_init(&p->back, 0);
		p->cpu_ping = i;
		p->cpu_pong = remote ? (i + 1) % n : i;
		if (bench_spawn(p->cpu_pong, TPUT_PRIO, ponger, p, &h[started]))
			break;
		started++;
		if (bench_spawn(p->cpu_ping, TPUT_PRIO, pinger, p, &h[started])) {
			p->last = 1; /* let its ponger go */
			sem_post(&p->go);
			break;
		}
		started++;
	}
	tp.end = virt_clock_ns() + c->iters * TPUT_NS_PER_ITER;
	for (unsigned i = 0; i < started / 2; i++)
		sem_post(&tp.start);
	for (unsigned i = 0; i < started; i++)
		thread_join(h[i], NULL);
	thread_set_priority(thread_self(), old);
	for (unsigned i = 0; i < started / 2; i++) {
		struct tpair *p = &tp.p[i];

		if (!p->handoffs)
			continue;
		bench_sample(c, bench_ns_to_cycles((p->t1 - p->t0) /
						   p->handoffs));
		ops += p->handoffs;
		t0 = MIN(t0, p->t0);
		t1 = MAX(t1, p->t1);
	}
	c->ops = ops;
	c->ops_ns = t1 > t0 ? t1 - t0 : 0;
out:
	kfree(h);
	kfree(tp.p);
	tp.p = NULL;
}

static void tput_local_run(struct bench_ctx *c) { tput_run(c, false); }
static void tput_remote_run(struct bench_ctx *c) { tput_run(c, true); }

const struct bench bench_tput[] = {
	{"tput_local", "handoffs between two threads on each vCPU, all at once",
	 NULL, tput_local_run, NULL, 2000, 0, 1, TPUT_NS_PER_ITER},
	{"tput_remote", "handoffs between threads on vCPU i and i+1, all at "
	 "once", NULL, tput_remote_run, NULL, 2000, 0, 2, TPUT_NS_PER_ITER},
};
const unsigned bench_tput_count = ARRAY_SIZE(bench_tput);
