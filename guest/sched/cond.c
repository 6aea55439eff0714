/* SPDX-License-Identifier: MIT */
/*
 * Condition variables and counting semaphores on top of waitq_block().
 * Lock order: cond lock -> mutex lock (cond_wait releases the mutex while
 * holding the cond lock, so a signal cannot slip in between).
 */
#include "guest/sched/sched.h"

void cond_init(struct cond *c)
{
	*c = (struct cond)COND_INIT;
}

int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline)
{
	unsigned long f;
	int rc;

	if (!mutex_held_by_me(m))
		return -EPERM;
	f = spin_lock_irqsave(&c->lock);
	mutex_unlock(m); /* IRQs off: no preemption inside */
	rc = waitq_block(&c->lock, &c->waiters, deadline);
	spin_unlock_irqrestore(&c->lock, f);
	mutex_lock(m);
	return rc;
}

int cond_wait(struct cond *c, struct mutex *m)
{
	return cond_wait_until(c, m, WAITQ_FOREVER);
}

static void cond_wake(struct cond *c, bool all)
{
	unsigned long f = spin_lock_irqsave(&c->lock);

	while (waitq_wake_head(&c->waiters) && all)
		;
	spin_unlock_irqrestore(&c->lock, f);
	sched_preempt_check();
}

void cond_signal(struct cond *c)
{
	cond_wake(c, false);
}

void cond_broadcast(struct cond *c)
{
	cond_wake(c, true);
}

void sem_init(struct sem *s, long count)
{
	*s = (struct sem)SEM_INIT(count);
}

int sem_wait_until(struct sem *s, uint64_t deadline)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	int rc = 0;

	if (s->count > 0)
		s->count--;
	else /* 0: a post handed its unit straight to us */
		rc = waitq_block(&s->lock, &s->waiters, deadline);
	spin_unlock_irqrestore(&s->lock, f);
	return rc;
}

int sem_wait(struct sem *s)
{
	return sem_wait_until(s, WAITQ_FOREVER);
}

bool sem_trywait(struct sem *s)
{
	unsigned long f = spin_lock_irqsave(&s->lock);
	bool ok = s->count > 0;

	if (ok)
		s->count--;
	spin_unlock_irqrestore(&s->lock, f);
	return ok;
}

void sem_post(struct sem *s)
{
	unsigned long f = spin_lock_irqsave(&s->lock);

	if (!waitq_wake_head(&s->waiters))
		s->count++;
	spin_unlock_irqrestore(&s->lock, f);
	sched_preempt_check();
}

long sem_value(struct sem *s)
{
	return READ_ONCE(s->count);
}
