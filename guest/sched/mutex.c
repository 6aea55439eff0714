/* SPDX-License-Identifier: MIT */
/*
 * Blocking mutex with an owner check and direct handoff: unlock with
 * sleepers wakes the oldest one and makes it the owner before the lock
 * that guards the mutex is dropped (the sleeper returns only after taking
 * it), so a barging thread cannot steal the lock and waiters are served
 * FIFO.
 *
 * Spin, then block (mutex_spin_us=N; 0, the default, blocks at once): a
 * locker that finds the owner running on another vCPU (and nobody asleep
 * on the mutex) waits up to N us for it to come free instead of paying
 * for a sleep and a wakeup. It stops at once when spinning cannot help:
 * the owner blocked or was switched out, or the hypervisor stopped the
 * owner's vCPU (virt_vcpu_is_preempted), which would otherwise be spun on
 * for the whole host time slice it waits. With pvyield (guest/pvspin.h)
 * it first yields its physical CPU to the owner's vCPU (up to
 * MUTEX_YIELDS times, even past the bound, never past the caller's
 * deadline) and looks again: an owner that ran and let go meanwhile hands
 * over without a sleep and a wakeup.
 */
#include "virt.h"
#include "guest/inject.h"
#include "guest/pvspin.h"
#include "guest/sched/sched.h"
#include "guest/trace.h"
#include "guest/audit.h"

uint64_t mutex_spin_ns;         /* mutex_spin_us=, set by sched_init() */
struct mutex_spin_stats mutex_spin_stats;

static void count(uint64_t *c, uint64_t n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* Why a spin must end now, or SPIN_GO_ON. */
enum spin_end { SPIN_GO_ON, SPIN_OWNER_OFF, SPIN_OWNER_PREEMPTED };

static enum spin_end owner_state(struct thread *o, unsigned self_cpu)
{
	unsigned cpu = READ_ONCE(o->cpu);

	/* Control blocks are recycled, never unmapped: reading a stale
	 * owner is safe and only ends the spin. */
	if (!__atomic_load_n(&o->on_cpu, __ATOMIC_RELAXED) || cpu == self_cpu)
		return SPIN_OWNER_OFF;
	if (virt_vcpu_is_preempted(cpu) &&
	    !inject_on(INJECT_SPIN_ON_PREEMPTED)) /* broken on purpose */
		return SPIN_OWNER_PREEMPTED;
	return SPIN_GO_ON;
}

/* Yields to a preempted owner's vCPU in one spin, at most (pvyield). */
#define MUTEX_YIELDS 4

/* Lock not held, IRQs as the caller had them. true: m is ours. */
static bool spin_for(struct mutex *m, struct thread *self, uint64_t deadline)
{
	uint64_t start = virt_clock_ns();
	uint64_t end = MIN(deadline, start + mutex_spin_ns);
	enum spin_end why = SPIN_GO_ON;
	bool got = false;
	unsigned yields = 0;

	count(&mutex_spin_stats.spins, 1);
	for (unsigned i = 1;; i++) {
		struct thread *o = READ_ONCE(m->owner);

		if (!o) {
			unsigned long f = spin_lock_irqsave(&m->lock);

			got = !m->owner && !m->waiters.head;
			if (got)
				m->owner = self;
			spin_unlock_irqrestore(&m->lock, f);
			if (got || m->waiters.head)
				break;
			continue;
		}
		why = owner_state(o, this_cpu()->id);
		if (why == SPIN_OWNER_PREEMPTED && yields < MUTEX_YIELDS &&
		    virt_clock_ns() < deadline &&
		    pvyield_if_preempted(READ_ONCE(o->cpu), PVYIELD_MUTEX)) {
			/* The owner may have run and let go; Xen's yield is
			 * not directed, so it may have run another vCPU. */
			yields++;
			continue;
		}
		if (why != SPIN_GO_ON)
			break;
		if (!(i & 15) && virt_clock_ns() >= end)
			break;
		arch_cpu_relax();
	}
	if (yields)
		count(&mutex_spin_stats.yields, 1);
	if (got && yields)
		count(&mutex_spin_stats.yield_acquired, 1);
	if (got)
		count(&mutex_spin_stats.acquired, 1);
	else if (why == SPIN_OWNER_PREEMPTED)
		count(&mutex_spin_stats.owner_preempted, 1);
	count(&mutex_spin_stats.spin_ns, virt_clock_ns() - start);
	return got;
}

/* Lock held: is spinning worth trying? Nobody asleep on m (they come
 * first) and its owner on a CPU elsewhere. */
static bool spin_worth(struct mutex *m)
{
	return mutex_spin_ns && !m->waiters.head && m->owner &&
	       owner_state(m->owner, this_cpu()->id) == SPIN_GO_ON;
}

void mutex_init(struct mutex *m)
{
	*m = (struct mutex)MUTEX_INIT;
}

int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
	unsigned long f = spin_lock_irqsave(&m->lock);
	struct thread *self = sched_this()->current; /* IRQs are off */
	int rc = 0;

	if (m->owner == self) {
		rc = -EDEADLK;
		audit(AUDIT_BAD_ARG, "mutex_lock(0x%lx) by its owner",
		      (unsigned long)(uintptr_t)m);
	} else if (!m->owner) {
		m->owner = self;
	} else {
		if (spin_worth(m)) {
			spin_unlock_irqrestore(&m->lock, f);
			if (spin_for(m, self, deadline))
				return 0;
			f = spin_lock_irqsave(&m->lock);
			if (!m->owner) { /* freed as the spin gave up */
				m->owner = self;
				goto out;
			}
		}
		m->contended++;
		trace(TR_MUTEX_WAIT, (uint32_t)(uintptr_t)m,
		      (uint32_t)thread_id(m->owner), 0);
		/* 0 means the unlocker handed m to us (owner == self). */
		rc = waitq_block(&m->lock, &m->waiters, deadline);
	}
out:
	spin_unlock_irqrestore(&m->lock, f);
	return rc;
}

int mutex_lock(struct mutex *m)
{
	return mutex_lock_until(m, WAITQ_FOREVER);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long f = spin_lock_irqsave(&m->lock);
	bool ok = !m->owner;

	if (ok)
		m->owner = sched_this()->current; /* IRQs are off */
	spin_unlock_irqrestore(&m->lock, f);
	return ok;
}

/* Lock held: pass m to the oldest sleeper, or free it. The sleeper may
 * run at once, but returns only once it holds the lock again: after its
 * owner field is set here. */
static void handoff(struct mutex *m)
{
	m->owner = waitq_wake_head(&m->waiters);
	if (m->owner)
		trace(TR_MUTEX_HANDOFF, (uint32_t)(uintptr_t)m,
		      (uint32_t)thread_id(m->owner), 0);
}

int mutex_unlock(struct mutex *m)
{
	unsigned long f = spin_lock_irqsave(&m->lock);

	if (m->owner != sched_this()->current) { /* IRQs are off */
		spin_unlock_irqrestore(&m->lock, f);
		audit(AUDIT_BAD_ARG, "mutex_unlock(0x%lx) by a thread that "
		      "does not hold it", (unsigned long)(uintptr_t)m);
		return -EPERM;
	}
	handoff(m);
	spin_unlock_irqrestore(&m->lock, f);
	sched_preempt_check();
	return 0;
}

bool mutex_held_by_me(struct mutex *m)
{
	return READ_ONCE(m->owner) == sched_current();
}
