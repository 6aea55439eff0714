/* SPDX-License-Identifier: MIT */
/*
 * Suite "pvplace": placement and work stealing that know the hypervisor
 * can stop a vCPU (guest/sched/wake.c unpreempted(), idle.c
 * next_victim()). Needs an overcommitted host with an exact clock
 * (expect_steal, strict_timing: Xen under icount with fewer physical CPUs
 * than vCPUs) and idle=poll: a polling idle vCPU stays runnable, so Xen
 * stops idle vCPUs too, which is when a wakeup has a choice between an
 * idle vCPU that runs and one that waits for Xen.
 *
 * A thread allowed everywhere but the poster's vCPU is woken over and
 * over, with pauses in between in which its vCPU idles, until the
 * placement has found its vCPU stopped CHANCES_MIN times (nr_pv_chances;
 * at least ROUNDS_MIN rounds, at most ROUNDS_MAX): how often that happens
 * depends on where Xen's slices fall, which any change to the code before
 * shifts (one build saw 169 such moves in 400 rounds, the next 9).
 * - pvplace.wake_moves: when its last vCPU is stopped and another idle one
 *   runs, the wakeup goes there (counted in nr_pv_moves): at least a
 *   quarter of those chances (the other idle vCPUs may be stopped too);
 * - pvplace.wake_avoids_stopped: so the woken thread runs within half of
 *   Xen's 1 ms rate limit far more often than not. inject=place_preempted
 *   (the hint ignored) fails this one on latency alone.
 * (Work stealing's preference for a stopped vCPU's queue, idle.c, is
 * counted in the thread table, nr_pv_steals, but not tested here.)
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define ROUNDS_MIN 400
#define ROUNDS_MAX 4000
#define CHANCES_MIN 20
#define PRIO 20

static struct sem s_go, s_back;
static volatile uint64_t stamp;
static volatile int stop;
static uint64_t fast, slow; /* the waiter's: woken within 500 us, later */

static long waiter(void *arg)
{
	for (;;) {
		sem_wait(&s_go);
		if (stop)
			return 0;
		if (virt_clock_ns() - stamp < 500 * US)
			fast++;
		else
			slow++;
		sem_post(&s_back);
	}
}

static uint64_t moves(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < cpu_count(); i++)
		n += READ_ONCE(cpu_get(i)->sched.nr_pv_moves);
	return n;
}

/* Wakeups whose vCPU the placement found stopped with others allowed. */
static uint64_t chances_seen(void)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < cpu_count(); i++)
		n += READ_ONCE(cpu_get(i)->sched.nr_pv_chances);
	return n;
}

static void check_wake(void)
{
	struct thread_handle h;
	struct st_rng rng = {0x9e3779b97f4a7c15ull};
	uint64_t m0, c0, chances = 0;
	unsigned me = st_pin_self(), rounds;

	sem_init(&s_go, 0);
	sem_init(&s_back, 0);
	stop = 0;
	fast = slow = 0;
	m0 = moves();
	c0 = chances_seen();
	st_spawn(waiter, NULL, "pvplace-waiter", PRIO,
		 (cpu_count() >= 64 ? ~0ull : (1ull << cpu_count()) - 1) &
			 ~(1ull << me), &h);
	for (rounds = 0; rounds < ROUNDS_MAX &&
			 (rounds < ROUNDS_MIN || chances < CHANCES_MIN);
	     rounds++) {
		/* A pause of 100..400 us: the waiter's vCPU idles (polls)
		 * meanwhile, and Xen may stop it. */
		thread_sleep_ns(100 * US + st_rand(&rng) % (300 * US));
		chances = chances_seen() - c0;
		stamp = virt_clock_ns();
		sem_post(&s_go);
		sem_wait(&s_back);
	}
	stop = 1;
	sem_post(&s_go);
	thread_join(h, NULL);
	st_unpin_self();
	m0 = moves() - m0;
	chances = chances_seen() - c0;
	report_info("pvplace.wake_avoids_stopped", "%u wakeups: %lu found their "
		    "vCPU stopped, %lu moved off it; %lu ran within 500 us, "
		    "%lu later", rounds, chances, m0, fast, slow);
	/* Measured: arm64 191 of 191 in one build, 9 of 20 in another (there
	 * the other idle vCPUs were often stopped too); x86 165 of 166; with
	 * the hint ignored, none. */
	report(chances >= CHANCES_MIN && 4 * m0 >= chances, "pvplace.wake_moves",
	       "%lu wakeups moved off a stopped vCPU, of %lu found stopped "
	       "(in %u rounds)", m0, chances, rounds);
	/* Measured: x86 353 of 400 within 500 us (222 moves), arm64 397
	 * (164 moves); with the hint ignored, 0 and 209 of 400. */
	report(fast >= 4 * slow, "pvplace.wake_avoids_stopped",
	       "%lu of %u wakeups within 500 us", fast, rounds);
}

static void suite_pvplace(void)
{
	if (!option_bool("expect_steal") || !st_strict() ||
	    strcmp(option_str("idle"), "poll") || cpu_count() < 3) {
		report_skip("pvplace.wake_moves", "needs expect_steal, "
			    "strict_timing, idle=poll and 3 vCPUs");
		report_skip("pvplace.wake_avoids_stopped", "the same");
		return;
	}
	check_wake();
}
SUITE("pvplace", suite_pvplace);
