/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_sync": spinlock, mutex, condition variable, semaphore, wait
 * queue and reference count, each under contention across all vCPUs.
 */
#include "arch.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/spinlock.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define MAXT 64

struct counter_ctx {
	struct mutex m;
	struct spinlock sl;
	struct refcount ref;
	volatile uint64_t value; /* plain read-modify-write under a lock */
	unsigned iters;
	unsigned errors;
};

static long mutex_worker(void *arg)
{
	struct counter_ctx *c = arg;
	unsigned i;

	for (i = 0; i < c->iters; i++) {
		if (mutex_lock(&c->m))
			__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
		c->value = c->value + 1;
		if (i % 16 == 0)
			thread_yield(); /* sleep holding it: others queue */
		if (mutex_unlock(&c->m))
			__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static long spin_worker(void *arg)
{
	struct counter_ctx *c = arg;
	unsigned i;

	for (i = 0; i < c->iters; i++) {
		unsigned long f = spin_lock_irqsave(&c->sl);

		c->value = c->value + 1;
		spin_unlock_irqrestore(&c->sl, f);
		refcount_get(&c->ref);
		if (refcount_put(&c->ref))
			__atomic_fetch_add(&c->errors, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static unsigned nthreads(void)
{
	return MIN(2 * cpu_count(), (unsigned)MAXT);
}

/* Contended handoffs get slow when vCPUs outnumber host CPUs (a waiting
 * vCPU may be descheduled by the host): keep the total per suite fixed. */
static unsigned iters_for(unsigned total)
{
	return MAX(st_scale(total, 100) / nthreads(), 20u);
}

static void counter_test(const char *name, long (*fn)(void *),
			 unsigned iters)
{
	struct counter_ctx c = {.m = MUTEX_INIT, .sl = SPINLOCK_INIT};
	struct thread_handle h[MAXT];
	unsigned n = nthreads(), i;
	uint64_t t0 = virt_clock_ns();

	refcount_set(&c.ref, 1);
	c.iters = iters;
	for (i = 0; i < n; i++)
		st_spawn(fn, &c, name, SCHED_PRIO_DEFAULT, 0, &h[i]);
	for (i = 0; i < n; i++)
		thread_join(h[i], NULL);
	report(c.value == (uint64_t)n * iters && !c.errors &&
		       refcount_read(&c.ref) == 1,
	       name, "%u threads x %u: got %lu, %u errors, ref %d", n, iters,
	       c.value, c.errors, refcount_read(&c.ref));
	report_info(name, "%u threads x %u in %lu us, %lu contended sleeps",
		    n, iters, (virt_clock_ns() - t0) / 1000, c.m.contended);
}

static long unlock_foreign(void *arg)
{
	return mutex_unlock(arg);
}

static void mutex_rules(void)
{
	struct mutex m = MUTEX_INIT;
	struct thread_handle h;
	long r = 0;

	mutex_lock(&m);
	st_need(thread_spawn(unlock_foreign, &m, NULL, &h), "unlock_foreign");
	thread_join(h, &r);
	report(r == -EPERM, "sched_sync.mutex_unlock_not_owner",
	       "got %ld, expected -EPERM", r);
	report(mutex_lock(&m) == -EDEADLK, "sched_sync.mutex_relock",
	       "locking twice must be -EDEADLK");
	/* It keeps m held. */
	st_need(thread_spawn(unlock_foreign, &m, NULL, &h), "unlock_foreign");
	thread_join(h, NULL);
	report(mutex_unlock(&m) == 0 && mutex_unlock(&m) == -EPERM,
	       "sched_sync.mutex_unlock_twice", "second unlock must fail");
}

struct timed_ctx {
	struct mutex m;
	int rc;
	uint64_t waited;
};

static long timed_locker(void *arg)
{
	struct timed_ctx *c = arg;
	uint64_t t0 = virt_clock_ns();

	c->rc = mutex_lock_until(&c->m, t0 + 3 * MS);
	c->waited = virt_clock_ns() - t0;
	if (!c->rc)
		mutex_unlock(&c->m);
	return 0;
}

static void timeouts(void)
{
	struct timed_ctx c = {.m = MUTEX_INIT};
	struct cond cv = COND_INIT;
	struct sem s = SEM_INIT(0);
	struct thread_handle h;
	uint64_t t0;
	int rc;

	mutex_lock(&c.m);
	st_need(thread_spawn(timed_locker, &c, NULL, &h), "timed_locker");
	thread_join(h, NULL);
	mutex_unlock(&c.m);
	report(c.rc == -ETIMEDOUT && c.waited >= 3 * MS,
	       "sched_sync.mutex_timeout", "rc %d after %lu ns", c.rc,
	       c.waited);
	mutex_lock(&c.m);
	t0 = virt_clock_ns();
	rc = cond_wait_until(&cv, &c.m, t0 + 2 * MS);
	report(rc == -ETIMEDOUT && virt_clock_ns() - t0 >= 2 * MS &&
		       mutex_held_by_me(&c.m),
	       "sched_sync.cond_timeout", "rc %d, mutex held %d", rc,
	       mutex_held_by_me(&c.m));
	mutex_unlock(&c.m);
	report(cond_wait(&cv, &c.m) == -EPERM, "sched_sync.cond_needs_mutex",
	       "cond_wait without the mutex must be -EPERM");
	t0 = virt_clock_ns();
	rc = sem_wait_until(&s, t0 + 2 * MS);
	report(rc == -ETIMEDOUT && virt_clock_ns() - t0 >= 2 * MS &&
		       !sem_trywait(&s),
	       "sched_sync.sem_timeout", "rc %d", rc);
}

/* Bounded ring shared by the producer/consumer tests. */
#define RING 8
struct pc_ctx {
	struct mutex m;
	struct cond not_full, not_empty;
	struct sem slots, items;
	uint32_t ring[RING];
	unsigned head, tail, count;
	unsigned per_producer, producers, consumers;
	uint64_t sum;
	unsigned got;
	uint8_t seen[4096];
	bool use_sem;
};

static void ring_put(struct pc_ctx *c, uint32_t v)
{
	c->ring[c->head] = v;
	c->head = (c->head + 1) % RING;
	c->count++;
}

static uint32_t ring_get(struct pc_ctx *c)
{
	uint32_t v = c->ring[c->tail];

	c->tail = (c->tail + 1) % RING;
	c->count--;
	return v;
}

static long producer(void *arg)
{
	struct pc_ctx *c = arg;
	static unsigned next_id;
	unsigned i, base = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED) %
			   c->producers;

	for (i = 0; i < c->per_producer; i++) {
		uint32_t v = base * c->per_producer + i + 1; /* never 0 */

		if (c->use_sem) {
			sem_wait(&c->slots);
			mutex_lock(&c->m);
			ring_put(c, v);
			mutex_unlock(&c->m);
			sem_post(&c->items);
			continue;
		}
		mutex_lock(&c->m);
		while (c->count == RING)
			cond_wait(&c->not_full, &c->m);
		ring_put(c, v);
		cond_signal(&c->not_empty);
		mutex_unlock(&c->m);
	}
	return 0;
}

/* Consumes until it takes a 0 (poison). */
static long consumer(void *arg)
{
	struct pc_ctx *c = arg;

	for (;;) {
		uint32_t v;

		if (c->use_sem) {
			sem_wait(&c->items);
			mutex_lock(&c->m);
			v = ring_get(c);
		} else {
			mutex_lock(&c->m);
			while (c->count == 0)
				cond_wait(&c->not_empty, &c->m);
			v = ring_get(c);
			cond_signal(&c->not_full);
		}
		if (v) {
			c->sum += v;
			c->got++;
			if (v < sizeof(c->seen) * 8)
				c->seen[v / 8] |= (uint8_t)(1u << (v % 8));
		}
		mutex_unlock(&c->m);
		if (c->use_sem)
			sem_post(&c->slots);
		if (!v)
			return 0;
	}
}

static void producer_consumer(bool use_sem)
{
	static struct pc_ctx c;
	struct thread_handle hp[16], hc[16];
	const char *name = use_sem ? "sched_sync.sem_bounded_buffer"
				   : "sched_sync.cond_producer_consumer";
	unsigned i, total, missing = 0;
	uint64_t expect;

	c = (struct pc_ctx){.m = MUTEX_INIT, .not_full = COND_INIT,
			    .not_empty = COND_INIT, .use_sem = use_sem};
	sem_init(&c.slots, RING);
	sem_init(&c.items, 0);
	c.producers = MIN(2 * cpu_count(), 8u);
	c.consumers = MIN(2 * cpu_count(), 8u);
	c.per_producer = MAX(st_scale(4000, 100) / c.producers, 10u);
	if (c.per_producer * c.producers >= sizeof(c.seen) * 8)
		c.per_producer = (unsigned)(sizeof(c.seen) * 8 - 1) / c.producers;
	total = c.per_producer * c.producers;
	for (i = 0; i < c.consumers; i++)
		st_spawn(consumer, &c, "consumer", SCHED_PRIO_DEFAULT, 0, &hc[i]);
	for (i = 0; i < c.producers; i++)
		st_spawn(producer, &c, "producer", SCHED_PRIO_DEFAULT, 0, &hp[i]);
	for (i = 0; i < c.producers; i++)
		thread_join(hp[i], NULL);
	for (i = 0; i < c.consumers; i++) { /* one poison pill each */
		if (use_sem) {
			sem_wait(&c.slots);
			mutex_lock(&c.m);
			ring_put(&c, 0);
			mutex_unlock(&c.m);
			sem_post(&c.items);
		} else {
			mutex_lock(&c.m);
			while (c.count == RING)
				cond_wait(&c.not_full, &c.m);
			ring_put(&c, 0);
			cond_broadcast(&c.not_empty);
			mutex_unlock(&c.m);
		}
	}
	for (i = 0; i < c.consumers; i++)
		thread_join(hc[i], NULL);
	for (i = 1; i <= total; i++)
		missing += !(c.seen[i / 8] & (1u << (i % 8)));
	expect = (uint64_t)total * (total + 1) / 2;
	report(c.got == total && c.sum == expect && !missing, name,
	       "got %u of %u items, sum %lu (expected %lu), %u missing",
	       c.got, total, c.sum, expect, missing);
}

struct wq_ctx {
	struct waitq wq;
	volatile unsigned woken;
};

static long wq_sleeper(void *arg)
{
	struct wq_ctx *c = arg;

	if (!waitq_wait(&c->wq, WAITQ_FOREVER))
		__atomic_fetch_add(&c->woken, 1, __ATOMIC_RELAXED);
	return 0;
}

static unsigned waiters_queued(struct waitq *wq)
{
	unsigned long f = spin_lock_irqsave(&wq->lock);
	struct sched_link *l;
	unsigned n = 0;

	for (l = wq->waiters.head; l; l = l->next)
		n++;
	spin_unlock_irqrestore(&wq->lock, f);
	return n;
}

/* With all 8 queued, wake_one wakes exactly one (and says so), the other
 * 7 stay asleep, then one wake_all wakes exactly those 7. */
static void waitq_test(void)
{
	struct wq_ctx c = {.wq = WAITQ_INIT};
	struct thread_handle h[8];
	unsigned i, one, rest, queued, after_one, left;

	for (i = 0; i < 8; i++)
		st_need(thread_spawn(wq_sleeper, &c, NULL, &h[i]), "wq_sleeper");
	st_wait((queued = waiters_queued(&c.wq)) >= 8, 10000 * MS);
	one = waitq_wake_one(&c.wq);
	st_wait(c.woken, 10000 * MS);
	thread_sleep_ns(2 * MS); /* a wrongly woken second one runs too */
	after_one = c.woken;
	left = waiters_queued(&c.wq);
	rest = waitq_wake_all(&c.wq);
	for (i = 0; i < 8; i++)
		thread_join(h[i], NULL);
	report(queued == 8 && one == 1 && after_one == 1 && left == 7 &&
		       rest == 7 && c.woken == 8,
	       "sched_sync.waitq_wake_one_all", "%u queued; wake_one said %u, "
	       "%u returned, %u still queued; wake_all said %u; %u returned "
	       "in all", queued, one, after_one, left, rest, c.woken);
}

static void suite_sync(void)
{
	st_watchdog(30000 * MS);
	counter_test("sched_sync.spinlock_counter", spin_worker,
		     iters_for(4000));
	counter_test("sched_sync.mutex_counter", mutex_worker,
		     iters_for(2000));
	mutex_rules();
	timeouts();
	producer_consumer(false);
	producer_consumer(true);
	waitq_test();
	st_watchdog(0);
}
SUITE("sched_sync", suite_sync);
