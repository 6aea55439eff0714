/* SPDX-License-Identifier: MIT */
/*
 * Wait queues. A sleeper queues a waiter on its own stack and marks itself
 * BLOCKED while holding the object lock; a waker dequeues it, sets done
 * and calls sched_wake() before releasing that lock. So "done" under the
 * lock is the truth about being picked, and every wake has finished by the
 * time the sleeper holds the lock again (no stale wakeups leak out).
 */
#include "virt.h"
#include "guest/inject.h"
#include "guest/sched/sched.h"

void waitq_init(struct waitq *wq)
{
	spin_init(&wq->lock);
	wq->waiters.head = wq->waiters.tail = NULL;
}

int waitq_block(struct spinlock *lock, struct sched_list *list,
		uint64_t deadline)
{
	struct thread *self = sched_this()->current; /* IRQs are off */
	struct waitq_waiter w = {.thread = self, .done = false};
	bool timed = deadline != WAITQ_FOREVER;

	sched_list_add_tail(list, &w.link);
	for (;;) {
		__atomic_store_n(&self->state, THREAD_BLOCKED, __ATOMIC_RELAXED);
		if (timed)
			sched_timer_arm(self, deadline);
		/* Release: our queued waiter and BLOCKED state are visible to
		 * the waker, which takes lock before waking us. */
		spin_unlock(lock);
		sched_switch(SCHED_BLOCK);
		if (timed)
			sched_timer_cancel(self);
		spin_lock(lock);
		if (w.done)
			return 0;
		if (timed && virt_clock_ns() >= deadline) {
			sched_list_del(list, &w.link);
			return -ETIMEDOUT;
		}
	}
}

struct thread *waitq_wake_head(struct sched_list *list)
{
	struct sched_link *l = sched_list_pop(list);
	struct waitq_waiter *w;
	struct thread *t;

	if (!l)
		return NULL;
	w = container_of(l, struct waitq_waiter, link);
	t = w->thread;
	w->done = true; /* w lives on t's stack: last touch */
	sched_wake(t);
	return t;
}

int waitq_wait(struct waitq *wq, uint64_t deadline)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);
	int rc = waitq_block(&wq->lock, &wq->waiters, deadline);

	spin_unlock_irqrestore(&wq->lock, f);
	return rc;
}

static unsigned wake_n(struct waitq *wq, unsigned max)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);
	unsigned n = 0;

	if (inject_on(INJECT_WAKE_ONE_ALL)) /* broken on purpose */
		max = ~0u;
	while (n < max && waitq_wake_head(&wq->waiters))
		n++;
	spin_unlock_irqrestore(&wq->lock, f);
	sched_preempt_check();
	return n;
}

unsigned waitq_wake_one(struct waitq *wq)
{
	return wake_n(wq, 1);
}

unsigned waitq_wake_all(struct waitq *wq)
{
	return wake_n(wq, ~0u);
}
