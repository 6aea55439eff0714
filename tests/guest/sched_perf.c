/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_perf": the scheduler's costs as INFO lines (spawn+join,
 * yield round trip on one vCPU, wake round trips on one and across two
 * vCPUs, memory per thread), with a sanity check on each.
 */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/heap.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

static long nop_fn(void *arg)
{
	return 1;
}

static void spawn_join_cost(const char *name, uint64_t mask)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	unsigned n = st_scale(2000, 20), i, ok = 0;
	struct thread_handle h;
	uint64_t t0 = virt_clock_ns();
	long r;

	a.affinity = mask;
	for (i = 0; i < n; i++)
		ok += !thread_spawn(nop_fn, NULL, &a, &h) &&
		      !thread_join(h, &r) && r == 1;
	t0 = virt_clock_ns() - t0;
	report(ok == n, name, "%u of %u spawn+join pairs worked", ok, n);
	report_info(name, "%lu ns per spawn+join (%u pairs)", t0 / n, n);
}

struct yielder {
	unsigned n;
	uint64_t ns;
	volatile unsigned *peer_count;
	volatile unsigned count;
};

static long yield_fn(void *arg)
{
	struct yielder *y = arg;
	uint64_t t0 = virt_clock_ns();
	unsigned i;

	for (i = 0; i < y->n; i++) {
		y->count++;
		thread_yield();
	}
	y->ns = virt_clock_ns() - t0;
	return 0;
}

/* Two threads pinned to one vCPU yield to each other: a round trip is
 * two switches. */
static void yield_round_trip(void)
{
	struct yielder y[2] = {{0}, {0}};
	struct thread_handle h[2];
	uint64_t mask = 1ull << (cpu_count() - 1);

	y[0].n = y[1].n = st_scale(5000, 50);
	st_spawn(yield_fn, &y[0], "yield-a", 20, mask, &h[0]);
	st_spawn(yield_fn, &y[1], "yield-b", 20, mask, &h[1]);
	thread_join(h[0], NULL);
	thread_join(h[1], NULL);
	report(y[0].count == y[0].n && y[1].count == y[1].n,
	       "sched_perf.yield_round_trip", "counts %u %u", y[0].count,
	       y[1].count);
	report_info("sched_perf.yield_round_trip", "one vCPU: %lu ns per "
		    "round trip (2 switches), %u rounds", y[0].ns / y[0].n,
		    y[0].n);
}

struct pp {
	struct sem a, b;
	unsigned n;
};

static long pong_fn(void *arg)
{
	struct pp *p = arg;
	unsigned i;

	for (i = 0; i < p->n; i++) {
		sem_wait(&p->a);
		sem_post(&p->b);
	}
	return 0;
}

static long ping_fn(void *arg)
{
	struct pp *p = arg;
	uint64_t t0 = virt_clock_ns();
	unsigned i;

	for (i = 0; i < p->n; i++) {
		sem_post(&p->a);
		sem_wait(&p->b);
	}
	return (long)((virt_clock_ns() - t0) / p->n);
}

static void wake_round_trip(const char *name, unsigned cpu_a, unsigned cpu_b)
{
	struct pp p;
	struct thread_handle ha, hb;
	long per = 0;

	sem_init(&p.a, 0);
	sem_init(&p.b, 0);
	p.n = st_scale(3000, 30);
	st_spawn(pong_fn, &p, "pong", 20, 1ull << cpu_b, &hb);
	st_spawn(ping_fn, &p, "ping", 20, 1ull << cpu_a, &ha);
	thread_join(ha, &per);
	thread_join(hb, NULL);
	report(per > 0, name, "no result");
	report_info(name, "vCPU %u <-> %u: %ld ns per wake round trip "
		    "(2 wakeups, %u rounds)", cpu_a, cpu_b, per, p.n);
}

static long park_fn(void *arg)
{
	sem_wait(arg);
	return 0;
}

/* RAM per extra thread: fresh stacks (a size no earlier test used) and
 * control blocks, page tables included. */
static void memory_per_thread(void)
{
	enum { N = 64 };
	static struct thread_handle h[N];
	struct thread_attr a = THREAD_ATTR_INIT;
	struct sem s = SEM_INIT(0);
	struct page_stats p0, p1;
	unsigned i;
	uint64_t used;

	a.stack_size = 7 * PAGE_SIZE; /* own pool class: no recycled stacks */
	page_get_stats(&p0);
	for (i = 0; i < N; i++)
		st_need(thread_spawn(park_fn, &s, &a, &h[i]), "park");
	page_get_stats(&p1);
	used = (p0.free_pages - p1.free_pages) * PAGE_SIZE;
	for (i = 0; i < N; i++)
		sem_post(&s);
	for (i = 0; i < N; i++)
		thread_join(h[i], NULL);
	report(used >= N * 7 * PAGE_SIZE, "sched_perf.memory_per_thread",
	       "only %lu bytes for %u threads", used, N);
	report_info("sched_perf.memory_per_thread", "control block %lu B "
		    "(heap object), stack = attr size rounded to pages + one "
		    "unmapped 4 KiB guard page; measured %lu B of RAM per "
		    "thread with a 28 KiB stack (stack + control block + page "
		    "tables); default stack %u KiB", sizeof(struct thread),
		    used / N, THREAD_STACK_DEFAULT / 1024);
}

static void suite_perf(void)
{
	unsigned last = cpu_count() - 1;

	report_info("sched_perf.speed", "kernel code runs ~%ux slower than "
		    "TCG reference; iteration counts scaled down by that",
		    st_slowdown());

	spawn_join_cost("sched_perf.spawn_join_any", THREAD_AFFINITY_ALL);
	spawn_join_cost("sched_perf.spawn_join_same_vcpu",
			1ull << thread_cpu());
	yield_round_trip();
	wake_round_trip("sched_perf.wake_same_vcpu", last, last);
	if (cpu_count() > 1)
		wake_round_trip("sched_perf.wake_cross_vcpu", last - 1, last);
	memory_per_thread();
	sched_print_threads();
}
SUITE("sched_perf", suite_perf);
