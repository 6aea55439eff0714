/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_perf": the scheduler's costs as INFO lines (spawn+join,
 * yield round trip on one vCPU, wake round trips on one and across two
 * vCPUs, memory per thread). Checks: yielding threads alternate; a wake
 * round trip costs a bounded multiple of the yield round trip measured in
 * the same boot (medians, which a host that steals a few milliseconds here
 * and there does not move); across vCPUs only with strict_timing.
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

/* Per-round-trip samples (the first RT_MAX rounds) for medians. */
#define RT_MAX 512
static uint64_t rt_samples[RT_MAX];

static uint64_t median_of(unsigned n)
{
	return st_median(rt_samples, MIN(n, (unsigned)RT_MAX));
}

struct yielder {
	unsigned n;
	volatile unsigned count;
	struct yielder *peer;
	unsigned not_alternated; /* yields after which peer had not run once */
	bool sample;             /* record round trips in rt_samples */
};

static unsigned yield_started;

static long yield_fn(void *arg)
{
	struct yielder *y = arg;
	unsigned i;

	/* Both on the vCPU before counting: the first one must not run its
	 * whole loop alone. */
	__atomic_fetch_add(&yield_started, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&yield_started, __ATOMIC_RELAXED) < 2)
		thread_yield();
	for (i = 0; i < y->n; i++) {
		unsigned before = y->peer->count;
		uint64_t t0 = virt_clock_ns();

		y->count++;
		thread_yield();
		if (y->sample && i < RT_MAX)
			rt_samples[i] = virt_clock_ns() - t0;
		/* Equal priority on one vCPU: the peer ran exactly one
		 * iteration while we yielded, unless it is done. */
		if (before < y->peer->n && y->peer->count != before + 1)
			y->not_alternated++;
	}
	return 0;
}

/* Two threads pinned to one vCPU yield to each other: they alternate, and
 * a round trip is two switches. Returns its median (the floor of the wake
 * checks). */
static uint64_t yield_round_trip(void)
{
	struct yielder y[2] = {{0}, {0}};
	struct thread_handle h[2], me = thread_self();
	uint64_t mask = 1ull << (cpu_count() - 1), med;
	int old = thread_get_priority(me);
	unsigned bad;

	y[0].n = y[1].n = st_scale(5000, 50);
	y[0].peer = &y[1];
	y[1].peer = &y[0];
	y[0].sample = true;
	yield_started = 0;
	/* Above them while spawning: neither starts before both exist. */
	thread_set_priority(me, SCHED_PRIO_MAX);
	st_spawn(yield_fn, &y[0], "yield-a", 20, mask, &h[0]);
	st_spawn(yield_fn, &y[1], "yield-b", 20, mask, &h[1]);
	thread_set_priority(me, old);
	thread_join(h[0], NULL);
	thread_join(h[1], NULL);
	med = median_of(y[0].n);
	bad = y[0].not_alternated + y[1].not_alternated;
	/* A slice end inside a round (a host stall of 2-3 ms can cause one)
	 * breaks an alternation or two (Xen, 4 vCPUs, loaded host: 1% of
	 * them); a scheduler that does not alternate, nearly all. */
	report(y[0].count == y[0].n && y[1].count == y[1].n &&
		       bad <= 2 * y[0].n / 10,
	       "sched_perf.yield_round_trip", "counts %u %u, %u of %u yields "
	       "did not let the peer run exactly once", y[0].count,
	       y[1].count, bad, 2 * y[0].n);
	report_info("sched_perf.yield_round_trip", "one vCPU: median %lu ns "
		    "per round trip (2 switches), %u rounds", med, y[0].n);
	return med;
}

static long ping_fn(void *arg)
{
	struct st_pingpong *p = arg;
	unsigned i;

	for (i = 0; i < p->rounds; i++) {
		uint64_t t0 = virt_clock_ns();

		st_ping(p);
		if (i < RT_MAX)
			rt_samples[i] = virt_clock_ns() - t0;
	}
	return 0;
}

/*
 * Wake round trips between two threads (a semaphore each way): the median
 * must stay within factor times the yield round trip of this boot (two
 * switches; a wake round trip is two wakeups and two switches: ~2-6x on
 * every backend measured). A wakeup that waits for a tick, a slice end or
 * a slow path is many times that. Checked on one vCPU always (a median of
 * single-vCPU rounds holds under host load); across vCPUs, where each
 * round needs the host to run both vCPUs at once, only with
 * strict_timing.
 */
static void wake_round_trip(const char *name, unsigned cpu_a, unsigned cpu_b,
			    uint64_t floor, unsigned factor)
{
	struct st_pingpong p;
	struct thread_handle ha, hb;
	uint64_t med;

	st_pingpong_init(&p, st_scale(3000, 30));
	st_spawn(st_pong, &p, "pong", 20, 1ull << cpu_b, &hb);
	st_spawn(ping_fn, &p, "ping", 20, 1ull << cpu_a, &ha);
	thread_join(ha, NULL);
	thread_join(hb, NULL);
	med = median_of(p.rounds);
	if (factor)
		report(med <= factor * floor, name, "median wake round trip "
		       "%lu ns over %u x the yield round trip (%lu ns)", med,
		       factor, floor);
	report_info(name, "vCPU %u <-> %u: median %lu ns per wake round trip "
		    "(2 wakeups, %u rounds)%s", cpu_a, cpu_b, med, p.rounds,
		    factor ? "" : "; bound checked with strict_timing only");
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
	bool strict = st_strict();
	uint64_t floor;

	report_info("sched_perf.speed", "kernel code runs ~%ux slower than "
		    "TCG reference; iteration counts scaled down by that",
		    st_slowdown());

	spawn_join_cost("sched_perf.spawn_join_any", THREAD_AFFINITY_ALL);
	spawn_join_cost("sched_perf.spawn_join_same_vcpu",
			1ull << thread_cpu());
	floor = yield_round_trip();
	wake_round_trip("sched_perf.wake_same_vcpu", last, last, floor,
			strict ? 8 : 16);
	if (cpu_count() > 1)
		wake_round_trip("sched_perf.wake_cross_vcpu", last - 1, last,
				floor, strict ? 8 : 0);
	memory_per_thread();
	sched_print_threads();
}
SUITE("sched_perf", suite_perf);
