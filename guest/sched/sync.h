/* SPDX-License-Identifier: MIT */
/*
 * Blocking synchronization for threads, SMP- and IRQ-safe inside: a mutex
 * with direct handoff and an owner check, condition variables, counting
 * semaphores; wait queues (waitq.h); atomic reference counts. Spinlocks
 * are guest/spinlock.h (take them with spin_lock_irqsave in thread
 * context: a preempted holder would make same-CPU waiters spin).
 * Deadlines are absolute virt_clock_ns() times; WAITQ_FOREVER = none.
 */
#ifndef GUEST_SCHED_SYNC_H
#define GUEST_SCHED_SYNC_H

#include "types.h"
#include "guest/sched/waitq.h"

struct mutex {
	struct spinlock lock;      /* protects owner, waiters */
	struct thread *owner;      /* holder, NULL when free */
	struct sched_list waiters; /* lock: FIFO of struct waitq_waiter */
	uint64_t contended;        /* lock: lock calls that had to sleep */
};

#define MUTEX_INIT {SPINLOCK_INIT, NULL, {NULL, NULL}, 0}

void mutex_init(struct mutex *m);
/* 0, -EDEADLK if the caller holds it already. Waiters are served FIFO:
 * unlock hands the mutex straight to the oldest waiter. */
int mutex_lock(struct mutex *m);
/* 0, -ETIMEDOUT, -EDEADLK. */
int mutex_lock_until(struct mutex *m, uint64_t deadline);
bool mutex_trylock(struct mutex *m);
/* 0, or -EPERM when the caller does not own m. */
int mutex_unlock(struct mutex *m);
bool mutex_held_by_me(struct mutex *m);

/* Spin-then-block (mutex.c): the bound (mutex_spin_us=, 0 = never spin)
 * and what the spins did, since boot (atomic counters). */
extern uint64_t mutex_spin_ns;
struct mutex_spin_stats {
	uint64_t spins;           /* lockers that spun before sleeping */
	uint64_t acquired;        /* ... and got the mutex without a sleep */
	uint64_t owner_preempted; /* ... and stopped: owner's vCPU stopped */
	uint64_t yields;          /* ... and yielded to the owner's vCPU
				   * (once or more) */
	uint64_t yield_acquired;  /* ... and then got it without a sleep */
	uint64_t spin_ns;         /* time spent spinning */
};
extern struct mutex_spin_stats mutex_spin_stats;

struct cond {
	struct spinlock lock;      /* protects waiters */
	struct sched_list waiters; /* lock: FIFO of struct waitq_waiter */
};

#define COND_INIT {SPINLOCK_INIT, {NULL, NULL}}

void cond_init(struct cond *c);
/* Atomically release m and sleep; m is held again on return. 0 when
 * signalled, -ETIMEDOUT, -EPERM if m is not the caller's. Like every
 * condvar, recheck the predicate in a loop. */
int cond_wait(struct cond *c, struct mutex *m);
int cond_wait_until(struct cond *c, struct mutex *m, uint64_t deadline);
void cond_signal(struct cond *c);
void cond_broadcast(struct cond *c);

struct sem {
	struct spinlock lock;      /* protects count, waiters */
	long count;                /* lock: units available */
	struct sched_list waiters; /* lock: FIFO of struct waitq_waiter */
};

#define SEM_INIT(n) {SPINLOCK_INIT, (n), {NULL, NULL}}

void sem_init(struct sem *s, long count);
/* Take one unit, sleeping while none: 0 or -ETIMEDOUT. A post with
 * sleepers hands its unit straight to the oldest. */
int sem_wait(struct sem *s);
int sem_wait_until(struct sem *s, uint64_t deadline);
bool sem_trywait(struct sem *s);
void sem_post(struct sem *s);
long sem_value(struct sem *s);

/* Atomic reference count. refcount_put() returns true when it dropped the
 * last reference: acq_rel, so the freeing side sees every prior write. */
struct refcount {
	int v; /* atomic */
};

static inline void refcount_set(struct refcount *r, int v)
{
	__atomic_store_n(&r->v, v, __ATOMIC_RELAXED);
}

static inline void refcount_get(struct refcount *r)
{
	__atomic_fetch_add(&r->v, 1, __ATOMIC_RELAXED);
}

/* Take a reference only if the count is not already zero. */
static inline bool refcount_get_not_zero(struct refcount *r)
{
	int v = __atomic_load_n(&r->v, __ATOMIC_RELAXED);

	do {
		if (v == 0)
			return false;
	} while (!__atomic_compare_exchange_n(&r->v, &v, v + 1, true,
					      __ATOMIC_ACQUIRE,
					      __ATOMIC_RELAXED));
	return true;
}

static inline bool refcount_put(struct refcount *r)
{
	/* Release orders our writes before the drop; acquire (on the last
	 * drop) pairs with every other putter's release. */
	return __atomic_sub_fetch(&r->v, 1, __ATOMIC_ACQ_REL) == 0;
}

static inline int refcount_read(struct refcount *r)
{
	return __atomic_load_n(&r->v, __ATOMIC_RELAXED);
}

#endif
