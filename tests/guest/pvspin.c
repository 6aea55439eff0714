/* SPDX-License-Identifier: MIT */
/*
 * Suite "pvspin": spinlocks contended on every vCPU at once, the stress
 * the halt-and-kick path of paravirtual spinlocks (pvspin=on) must survive:
 * one locker pinned to each vCPU (up to MAX_LOCKERS, spread over them)
 * takes one of two locks at random with IRQs off, counts under it, holds
 * it a little, and lets go. (More lockers on one ticket lock only queue
 * longer: under QEMU TCG with 64 vCPUs on two host cores each handoff
 * waits for the host to run the next vCPU's thread.)
 *
 * - pvspin.exclusion: every count under each lock adds up exactly (on
 *   every backend: the plain ticket lock too).
 * - pvspin.halt_and_kick (pvspin on, Xen): waiters halted and were kicked,
 *   and no halt ended by the safety timeout (x86: a kick lost or late
 *   shows there; inject=pvspin_no_kick fails it. arm64 has no timeout: a
 *   lost kick hangs the run, which fails too).
 */
#include "arch.h"
#include "virt.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/pvspin.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define NLOCKS 2
#define MAX_LOCKERS 8

static struct spinlock locks[NLOCKS] = {SPINLOCK_INIT, SPINLOCK_INIT};
static uint64_t under[NLOCKS];           /* counted under locks[k] */
static volatile bool stop;

struct locker {
	uint64_t mine[NLOCKS];               /* this locker's counts */
	struct st_rng rng;
};

static long locker_fn(void *arg)
{
	struct locker *lk = arg;

	while (!READ_ONCE(stop)) {
		unsigned k = (unsigned)(st_rand(&lk->rng) % NLOCKS);
		unsigned long f = spin_lock_irqsave(&locks[k]);

		under[k]++;
		lk->mine[k]++;
		for (int i = 0; i < 64; i++) /* hold it a little */
			arch_cpu_relax();
		spin_unlock_irqrestore(&locks[k], f);
		for (int i = 0; i < 32; i++)
			arch_cpu_relax();
	}
	return 0;
}

static void suite_pvspin(void)
{
	static struct locker lk[MAX_LOCKERS];
	struct thread_handle h[MAX_LOCKERS];
	struct pvspin_stats a = pvspin_stats, b;
	unsigned ncpu = cpu_count(), n = MIN(ncpu, MAX_LOCKERS);
	uint64_t sum[NLOCKS] = {0}, total = 0;
	bool exact = true;

	stop = false;
	for (unsigned k = 0; k < NLOCKS; k++)
		under[k] = 0;
	for (unsigned i = 0; i < n; i++) {
		lk[i] = (struct locker){.rng = {.s = 0x9e3779b97f4a7c15ull + i}};
		st_spawn(locker_fn, &lk[i], "pvspin-lock", 2,
			 1ull << (i * ncpu / n), &h[i]);
	}
	thread_sleep_ns(MAX(10 * sched_slice_ns, 50 * MS));
	stop = true;
	for (unsigned i = 0; i < n; i++) {
		thread_join(h[i], NULL);
		for (unsigned k = 0; k < NLOCKS; k++)
			sum[k] += lk[i].mine[k];
	}
	for (unsigned k = 0; k < NLOCKS; k++) {
		exact &= sum[k] == under[k];
		total += sum[k];
	}
	report(exact && total > 0, "pvspin.exclusion", "lock 0: %lu counted, "
	       "%lu by the lockers; lock 1: %lu, %lu", under[0], sum[0],
	       under[1], sum[1]);
	b = pvspin_stats;
	report_info("pvspin.halt_and_kick", "%s: %lu locks; %lu slow, %lu halts, "
		    "%lu kicks, %lu woke early, %lu timed out, %lu spun again, "
		    "%lu could not halt", pvspin_on ? "on" : "off", total,
		    b.slow - a.slow, b.halts - a.halts, b.kicks - a.kicks,
		    b.early - a.early, b.timeouts - a.timeouts,
		    b.spurious - a.spurious, b.no_wait - a.no_wait);
	if (!pvspin_on) {
		report_skip("pvspin.halt_and_kick", "pvspin is off (pvspin=on, "
			    "and a backend that can halt and kick: Xen)");
		return;
	}
	report(b.halts > a.halts && b.kicks > a.kicks &&
		       b.timeouts == a.timeouts,
	       "pvspin.halt_and_kick", "%lu halts, %lu kicks, %lu halts ended "
	       "by the timeout instead of a kick", b.halts - a.halts,
	       b.kicks - a.kicks, b.timeouts - a.timeouts);
}
SUITE("pvspin", suite_pvspin);
