/* SPDX-License-Identifier: MIT */
/*
 * Foundation suites, SMP side: every vCPU up, one-shot timer lateness on
 * every vCPU, IPI round trips to every vCPU, clock monotonic across vCPUs.
 * Work on other vCPUs runs as cross-calls (guest/ipi.h).
 */
#include "arch.h"
#include "virt.h"
#include "guest/ipi.h"
#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/spinlock.h"
#include "guest/test.h"

extern struct boot_info *boot;

#define SEC 1000000000ull

/* Spin until *flag is nonzero or timeout; returns whether it became so. */
static bool wait_flag(volatile int *flag, uint64_t timeout_ns)
{
	uint64_t t0 = virt_clock_ns();

	while (!*flag)
		if (virt_clock_ns() - t0 > timeout_ns)
			return false;
	return true;
}

struct whoami {
	unsigned id;
	uint32_t hw_id;
	volatile int done;
};

static void whoami_fn(void *arg)
{
	struct whoami *w = arg;

	w->id = this_cpu()->id;
	w->hw_id = this_cpu()->hw_id;
	w->done = 1;
}

static void suite_smp(void)
{
	unsigned n = cpu_count(), ok = 1;

	report(cpu_online_count() == n && n == MAX(boot->nr_cpus, 1u),
	       "smp.all_online", "%u of %u vCPUs online, %s lists %u",
	       cpu_online_count(), n, boot->cpus_source, boot->nr_cpus);
	for (unsigned i = 1; i < n; i++) {
		struct whoami w = {0};

		ipi_call(i, whoami_fn, &w, true);
		ok &= w.done && w.id == i && w.hw_id == cpu_get(i)->hw_id;
	}
	report(ok, "smp.percpu_identity", "a vCPU answered with the wrong id");
}
SUITE("smp", suite_smp);

/* ---- timer ---- */

#define TIMER_SHOTS 8
struct shot {
	uint64_t deadline, fired;
	volatile int done;
};
static struct shot *shot_of[MAX_CPUS];

static void shot_hook(void)
{
	struct shot *s = shot_of[this_cpu()->id];
	uint64_t now = virt_clock_ns();

	/* The scheduler's own timer may have been pending when the shot was
	 * armed: that is not ours firing early, so wait for ours. */
	if (now + 5000 < s->deadline) {
		this_cpu()->timer_hook = shot_hook;
		virt_set_deadline(s->deadline);
		return;
	}
	s->fired = now;
	s->done = 1;
}

/* Runs on the target vCPU with IRQs off: arm the raw one-shot timer. */
static void shot_arm(void *arg)
{
	struct shot *s = arg;

	shot_of[this_cpu()->id] = s;
	this_cpu()->timer_hook = shot_hook;
	s->deadline = virt_clock_ns() + 200000 + (this_cpu()->id * 50000);
	virt_set_deadline(s->deadline);
}

static bool timer_shot(unsigned cpu, struct shot *s)
{
	*s = (struct shot){0};
	if (cpu == this_cpu()->id) {
		unsigned long f = arch_irq_save();

		shot_arm(s);
		arch_irq_restore(f);
	} else {
		ipi_call(cpu, shot_arm, s, true);
	}
	return wait_flag(&s->done, 5 * SEC);
}

static void suite_timer(void)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		uint64_t lmin = UINT64_MAX, lmax = 0, lsum = 0;
		bool fired = true, early = false;
		struct shot s;
		char name[48];

		for (int i = 0; i < TIMER_SHOTS && fired; i++) {
			fired = timer_shot(c, &s);
			if (!fired)
				break;
			uint64_t late = s.fired - s.deadline;

			/* kvmclock and the TSC deadline are two views of
			 * one counter; allow 5 us of disagreement. */
			early |= s.fired + 5000 < s.deadline;
			if (s.fired < s.deadline)
				late = 0;
			lmin = MIN(lmin, late);
			lmax = MAX(lmax, late);
			lsum += late;
		}
		ksnprintf(name, sizeof(name), "timer.fires.cpu%u", c);
		report(fired, name, "one-shot deadline never fired within 5 s");
		ksnprintf(name, sizeof(name), "timer.not_early.cpu%u", c);
		report(fired && !early, name, "fired more than 5 us before its deadline");
		if (fired)
			report_info(name, "lateness min %lu ns, avg %lu ns, max %lu ns",
				    lmin, lsum / TIMER_SHOTS, lmax);
	}
}
SUITE("timer", suite_timer);

/* ---- IPI round trip ---- */

struct ping {
	unsigned origin;
	volatile int back;
};

static void pong_home(void *arg)
{
	((struct ping *)arg)->back = 1;
}

static void pong(void *arg)
{
	struct ping *p = arg;

	ipi_call(p->origin, pong_home, p, false);
}

static void suite_ipi(void)
{
	unsigned self = this_cpu()->id, n = cpu_count();
	bool all = true;

	for (unsigned c = 0; c < n; c++) {
		uint64_t best = UINT64_MAX;
		bool ok = true;

		if (c == self)
			continue;
		for (int i = 0; i < 8 && ok; i++) {
			struct ping p = {.origin = self};
			uint64_t t0 = virt_clock_ns();

			ipi_call(c, pong, &p, false);
			ok = wait_flag(&p.back, 5 * SEC);
			best = MIN(best, virt_clock_ns() - t0);
		}
		all &= ok;
		if (ok)
			report_info("ipi.round_trip", "vCPU %u -> %u -> %u: best %lu ns",
				    self, c, self, best);
	}
	report(all, "ipi.round_trip_all", "an IPI round trip did not come back in 5 s");

	/* Broadcast: every other vCPU counts one more reschedule IPI. */
	uint64_t before[MAX_CPUS];
	bool got = true;

	for (unsigned c = 0; c < n; c++)
		before[c] = READ_ONCE(cpu_get(c)->ipi_count[IPI_RESCHED]);
	virt_send_ipi_others(IPI_RESCHED);
	uint64_t t0 = virt_clock_ns();

	for (unsigned c = 0; c < n; c++)
		while (c != self && READ_ONCE(cpu_get(c)->ipi_count[IPI_RESCHED]) == before[c])
			if (virt_clock_ns() - t0 > 5 * SEC) {
				got = false;
				break;
			}
	report(got, "ipi.broadcast", "a vCPU missed the all-others IPI");
}
SUITE("ipi", suite_ipi);

/* ---- clock monotonic across vCPUs ---- */

#define CLOCK_ROUNDS 300
static struct spinlock clock_lock = SPINLOCK_INIT;
static uint64_t clock_last;
static unsigned clock_backwards;
static volatile int clock_done[MAX_CPUS];

/* Reads under one lock are totally ordered, so any reading smaller than
 * the previous one (from whichever vCPU) is time going backwards. */
static void clock_rounds(void *arg)
{
	for (int i = 0; i < CLOCK_ROUNDS; i++) {
		unsigned long f = spin_lock_irqsave(&clock_lock);
		uint64_t t = virt_clock_ns();

		if (t < clock_last)
			clock_backwards++;
		clock_last = t;
		spin_unlock_irqrestore(&clock_lock, f);
	}
	clock_done[this_cpu()->id] = 1;
}

static void suite_clock(void)
{
	unsigned self = this_cpu()->id;
	bool all = true;

	clock_last = 0;
	clock_backwards = 0;
	for (unsigned c = 0; c < cpu_count(); c++) {
		clock_done[c] = 0;
		if (c != self)
			ipi_call(c, clock_rounds, NULL, false);
	}
	clock_rounds(NULL);
	for (unsigned c = 0; c < cpu_count(); c++)
		all &= wait_flag(&clock_done[c], 10 * SEC);
	report(all, "clock.all_cpus_ran", "a vCPU did not finish its clock reads");
	report(clock_backwards == 0, "clock.monotonic_across_cpus",
	       "%u readings went backwards", clock_backwards);
	uint64_t t0 = virt_clock_ns(), c0 = arch_cycles();

	while (virt_clock_ns() - t0 < 2000000)
		;
	uint64_t dc = arch_cycles() - c0, dt = virt_clock_ns() - t0;

	report_info("clock.rate", "%lu cycles in %lu ns (%lu MHz)", dc, dt,
		    dc * 1000 / (dt ? dt : 1));
}
SUITE("clock", suite_clock);
