/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_balance" (2+ vCPUs): where runnable threads end up. A burst
 * of spawns reaches every vCPU it may use; so does a burst of sleepers one
 * timer interrupt wakes; a thread is never moved behind a higher-priority
 * thread on another vCPU and left there.
 */
#include "arch.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

static volatile bool stop;
static volatile uint64_t ran_on[MAX_CPUS]; /* spinner iterations per vCPU */

struct spin {
	volatile uint64_t count;
};

static long spin_fn(void *arg)
{
	struct spin *s = arg;

	while (!READ_ONCE(stop)) {
		ran_on[thread_cpu()]++;
		s->count++;
	}
	return 0;
}

/* Wait (up to 5 s, polling) until every vCPU of mask has run a spinner. */
static uint64_t wait_all_ran(uint64_t mask)
{
	uint64_t t0 = virt_clock_ns(), nap = 0, seen;

	for (;;) {
		seen = 0;
		for (unsigned c = 0; c < cpu_count(); c++)
			if (ran_on[c])
				seen |= 1ull << c;
		if ((seen & mask) == mask || virt_clock_ns() - t0 > 5000 * MS)
			return seen;
		st_backoff(&nap);
	}
}

/* 2n equal-priority spinners spawned at once (allowed on mask) run on
 * every vCPU of mask, and on no other. */
static void burst(const char *name, uint64_t mask)
{
	unsigned n = cpu_count(), k = 0;
	struct thread_handle h[2 * MAX_CPUS];
	struct spin s[2 * MAX_CPUS] = {{0}};
	uint64_t seen;

	stop = false;
	for (unsigned c = 0; c < n; c++) { /* no popcount: arm64's uses SIMD */
		ran_on[c] = 0;
		k += 2 * ((mask >> c) & 1);
	}
	for (unsigned i = 0; i < k; i++)
		st_spawn(spin_fn, &s[i], "burst", SCHED_PRIO_DEFAULT - 2, mask,
			 &h[i]);
	seen = wait_all_ran(mask);
	stop = true;
	for (unsigned i = 0; i < k; i++)
		thread_join(h[i], NULL);
	report((seen & mask) == mask && !(seen & ~mask), name,
	       "%u spinners on mask 0x%lx ran on vCPUs 0x%lx", k, mask, seen);
}

/*
 * H (priority 20) spins pinned to the last vCPU. Three low spinners run
 * on vCPU 0, then are allowed vCPU 0 and the last one. None may be moved
 * behind H and starve there: all three keep making progress.
 */
static void not_behind_higher(void)
{
	unsigned last = cpu_count() - 1;
	struct thread_handle hh, hl[3];
	struct spin sh = {0}, sl[3] = {{0}};
	uint64_t c[3], t0, nap = 0;
	bool all = true;

	stop = false;
	st_spawn(spin_fn, &sh, "high", 20, 1ull << last, &hh);
	for (int i = 0; i < 3; i++)
		st_spawn(spin_fn, &sl[i], "low", 4, 1ull << 0, &hl[i]);
	for (int i = 0; i < 3; i++)
		thread_set_affinity(hl[i], (1ull << 0) | (1ull << last));
	/* Many slice ends: time for balancing to go wrong if it can. */
	thread_sleep_ns(MAX(40 * sched_slice_ns, 40 * MS));
	for (int i = 0; i < 3; i++)
		c[i] = sl[i].count;
	/* Then each advances again (up to 5 s: host stalls). */
	t0 = virt_clock_ns();
	for (;;) {
		all = true;
		for (int i = 0; i < 3; i++)
			all &= sl[i].count > c[i];
		if (all || virt_clock_ns() - t0 > 5000 * MS)
			break;
		st_backoff(&nap);
	}
	stop = true;
	thread_join(hh, NULL);
	for (int i = 0; i < 3; i++)
		thread_join(hl[i], NULL);
	report(all, "sched_balance.not_behind_higher",
	       "low spinners at %lu/%lu/%lu, then %lu/%lu/%lu", c[0], c[1], c[2],
	       sl[0].count, sl[1].count, sl[2].count);
}

/* The sleepers of timer_burst: each ran last on vCPU 0, sleeps until the
 * same deadline there, then says where it woke. */
struct sleeper {
	uint64_t deadline;
	volatile unsigned woke_on;
};

static long burst_sleeper(void *arg)
{
	struct sleeper *s = arg;

	thread_set_affinity(thread_self(), THREAD_AFFINITY_ALL);
	thread_sleep_until(s->deadline);
	s->woke_on = thread_cpu();
	st_spin_ns(1 * MS); /* still busy when the next ones wake */
	return 0;
}

/* One timer interrupt on vCPU 0 wakes one sleeper per vCPU: vCPU 0 keeps
 * one, and each other goes to an idle vCPU of its own at once (a local
 * wakeup counts as queued there until vCPU 0 switches). Queued behind the
 * first on vCPU 0 instead, the others would leave only one per switch
 * there, and two would run on vCPU 0 (4 vCPUs: 3 used). */
static void timer_burst(void)
{
	unsigned n = cpu_count(), seen = 0;
	struct thread_handle h[MAX_CPUS];
	struct sleeper s[MAX_CPUS];
	uint64_t deadline = virt_clock_ns() + 200 * MS, mask = 0;

	for (unsigned i = 0; i < n; i++) {
		s[i] = (struct sleeper){.deadline = deadline, .woke_on = ~0u};
		st_spawn(burst_sleeper, &s[i], "burst_sleeper",
			 SCHED_PRIO_DEFAULT, 1, &h[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		thread_join(h[i], NULL);
		if (s[i].woke_on < n)
			mask |= 1ull << s[i].woke_on;
	}
	for (unsigned c = 0; c < n; c++)
		seen += (mask >> c) & 1;
	/* Checked under icount (strict_timing) only: on a wall clock the
	 * host decides what each vCPU is doing at that moment (arm64 Xen
	 * with 2 vCPUs once woke both on vCPU 1: vCPU 0 was busy). */
	if (!st_strict()) {
		report_info("sched_balance.timer_burst", "%u sleepers woke on "
			    "%u vCPUs (mask 0x%lx); checked under icount",
			    n, seen, mask);
		return;
	}
	report(seen == n, "sched_balance.timer_burst",
	       "%u sleepers woken by one timer interrupt ran first on %u "
	       "vCPU%s (mask 0x%lx)", n, seen, seen == 1 ? "" : "s", mask);
}

static void suite_balance(void)
{
	unsigned n = cpu_count();

	timer_burst();
	burst("sched_balance.burst_every_vcpu", placement_all(n));
	if (n >= 4)
		burst("sched_balance.burst_in_mask",
		      placement_all(n) & ~placement_all(n / 2));
	not_behind_higher();
}
SUITE_EX("sched_balance", suite_balance, 2, true);
