/* SPDX-License-Identifier: MIT */
/*
 * Suite "audit": each kind of audit event is recorded when it happens,
 * with its exact count (guest/audit.h): refused arguments, a guard page
 * hit, a smashed canary, and, when the command line sets alert_wake_us=
 * and alert_rq=, late wakeups and a long run queue (without them, no
 * alert at all). make tracetest exports a boot's log with tools/trace.
 */
#include "guest/audit.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

static uint64_t count(enum audit_kind k)
{
	struct audit_counts c;

	audit_get_counts(&c);
	return c.count[k];
}

static long smash_fn(void *arg)
{
	*(volatile uint64_t *)stack_base(&sched_current()->stack) = 0;
	thread_yield(); /* the switch-out check kills it */
	return 1;
}

/* fn must be killed, and counted once as kind k. */
static void killed(const char *name, long (*fn)(void *), enum audit_kind k)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	uint64_t before = count(k);
	long r;
	int rc;

	a.name = name;
	a.stack_size = 8192;
	rc = thread_spawn(fn, NULL, &a, &h);
	rc = rc ? rc : thread_join(h, &r);
	report(rc == -EOWNERDEAD && count(k) == before + 1, name,
	       "join %d, %s events %lu -> %lu", rc, audit_kind_name(k), before,
	       count(k));
}

static void refused(void)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	uint64_t bad = count(AUDIT_BAD_ARG), ref = count(AUDIT_REFUSED);
	int r1, r2, r3;

	a.prio = 99;
	r1 = thread_spawn(st_overflow_stack, NULL, &a, &h);
	r2 = thread_set_priority(thread_self(), -5);
	r3 = thread_set_affinity(thread_self(), 0);
	report(r1 == -EINVAL && count(AUDIT_BAD_ARG) == bad + 1,
	       "audit.bad_argument", "spawn %d, events %lu -> %lu", r1, bad,
	       count(AUDIT_BAD_ARG));
	report(r2 == -EINVAL && r3 == -EINVAL &&
		       count(AUDIT_REFUSED) == ref + 2, "audit.refused",
	       "set_priority %d, set_affinity %d, events %lu -> %lu", r2, r3,
	       ref, count(AUDIT_REFUSED));
}

static volatile bool spin_stop;

static long spinner(void *arg)
{
	while (!READ_ONCE(spin_stop))
		arch_cpu_relax();
	return 0;
}

/* Cross-vCPU wakeups, and five spinners queued on one vCPU. */
static void alerts(void)
{
	uint64_t late = count(AUDIT_WAKE_LATE), rq = count(AUDIT_RUNQ_LONG);
	unsigned n = cpu_count(), me = st_pin_self(), other = (me + 1) % n;
	struct thread_handle h, s[5];
	struct st_pingpong p;

	st_pingpong_init(&p, 20);
	st_spawn(st_pong, &p, "pong", SCHED_PRIO_DEFAULT, 1ull << other, &h);
	for (int i = 0; i < 20; i++)
		st_ping(&p);
	thread_join(h, NULL);
	spin_stop = false;
	for (int i = 0; i < 5; i++)
		st_spawn(spinner, NULL, "spinner", SCHED_PRIO_DEFAULT,
			 1ull << other, &s[i]);
	thread_sleep_ns(10 * MS);
	spin_stop = true;
	for (int i = 0; i < 5; i++)
		thread_join(s[i], NULL);
	st_unpin_self();
	late = count(AUDIT_WAKE_LATE) - late;
	rq = count(AUDIT_RUNQ_LONG) - rq;
	if (!audit_wake_ns && !audit_rq_len) {
		report(!late && !rq, "audit.no_alerts_unasked",
		       "%lu wake and %lu run-queue alerts, no threshold set",
		       late, rq);
		return;
	}
	report(!audit_wake_ns || late > 0, "audit.wake_late",
	       "%lu alerts over %lu us in 40 cross-vCPU wakeups", late,
	       audit_wake_ns / 1000);
	report(!audit_rq_len || rq > 0, "audit.runq_long",
	       "%lu alerts with 5 threads queued on vCPU %u (alert_rq=%u)", rq,
	       other, audit_rq_len);
}

static void suite_audit(void)
{
	refused();
	killed("audit.guard_page", st_overflow_stack, AUDIT_GUARD_PAGE);
	killed("audit.canary", smash_fn, AUDIT_CANARY);
	alerts();
}
SUITE_EX("audit", suite_audit, 2, false);
