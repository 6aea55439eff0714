/* SPDX-License-Identifier: MIT */
/*
 * Blocking mutex with an owner check and direct handoff: unlock with
 * sleepers makes the oldest one the owner before waking it, so a
 * barging thread cannot steal the lock and waiters are served FIFO.
 */
#include "guest/sched/sched.h"

void mutex_init(struct mutex *m)
{
	*m = (struct mutex)MUTEX_INIT;
}

int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
	struct thread *self = sched_current();
	unsigned long f = spin_lock_irqsave(&m->lock);
	int rc = 0;

	if (m->owner == self) {
		rc = -EDEADLK;
	} else if (!m->owner) {
		m->owner = self;
	} else {
		m->contended++;
		/* 0 means the unlocker handed m to us (owner == self). */
		rc = waitq_block(&m->lock, &m->waiters, deadline);
	}
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
		m->owner = sched_current();
	spin_unlock_irqrestore(&m->lock, f);
	return ok;
}

/* Lock held: pass m to the oldest sleeper, or free it. */
static void handoff(struct mutex *m)
{
	struct sched_link *l = m->waiters.head;

	m->owner = l ? container_of(l, struct waitq_waiter, link)->thread
		     : NULL;
	if (l)
		waitq_wake_head(&m->waiters);
}

int mutex_unlock(struct mutex *m)
{
	unsigned long f = spin_lock_irqsave(&m->lock);

	if (m->owner != sched_current()) {
		spin_unlock_irqrestore(&m->lock, f);
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
