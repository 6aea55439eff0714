/* SPDX-License-Identifier: MIT */
/*
 * Wait queues: threads sleep on a list under the object's own spinlock
 * until a waker marks them done (FIFO), or an optional deadline passes.
 * The building block of join, mutex, condvar and semaphore.
 */
#ifndef GUEST_SCHED_WAITQ_H
#define GUEST_SCHED_WAITQ_H

#include "types.h"
#include "guest/spinlock.h"
#include "guest/sched/list.h"

#define WAITQ_FOREVER UINT64_MAX /* no deadline */

struct thread;

/* One sleeping thread, on that thread's stack. */
struct waitq_waiter {
	struct sched_link link; /* in the object's list, object lock */
	struct thread *thread;  /* the sleeper */
	bool done;              /* object lock: set by the waker */
};

struct waitq {
	struct spinlock lock;      /* protects waiters */
	struct sched_list waiters; /* struct waitq_waiter, FIFO */
};

#define WAITQ_INIT {SPINLOCK_INIT, {NULL, NULL}}

void waitq_init(struct waitq *wq);

/* Low level, for sync objects with their own lock. Caller holds lock with
 * IRQs off. waitq_block() queues the caller on list and sleeps until a
 * waitq_wake_head() picks it (0) or the absolute deadline passes
 * (-ETIMEDOUT, dequeued); returns with lock held again. */
int waitq_block(struct spinlock *lock, struct sched_list *list,
		uint64_t deadline);
/* Wake the oldest waiter of list (lock held): returns its thread, or
 * NULL. The wake completes before the function returns. */
struct thread *waitq_wake_head(struct sched_list *list);

/* Whole wait queue: sleep until woken (0) or the deadline (-ETIMEDOUT). */
int waitq_wait(struct waitq *wq, uint64_t deadline);
/* Wake one / all sleepers; returns how many were woken. Any context. */
unsigned waitq_wake_one(struct waitq *wq);
unsigned waitq_wake_all(struct waitq *wq);

#endif
