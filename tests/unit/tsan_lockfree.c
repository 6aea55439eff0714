/* SPDX-License-Identifier: MIT */
/*
 * Host stress of the guest's lock-free pieces with real host threads as
 * vCPUs, built with ThreadSanitizer (make tsan, also run by make unit; a
 * plain program: Criterion's runner does not start under TSan):
 * the wake list with the "push, then read the target's state" / "publish
 * state, then read the list" pairing that sched_notify() and pick_next()
 * rely on (no lost wakeup), the ticket spinlock, and the reference count.
 * TSan reports any access pair these primitives fail to order.
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "guest/sched/sync.h"
#include "guest/sched/wakelist.h"
#include "guest/spinlock.h"

static int failures;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "FAIL %s:%d: ", __func__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                        \
			fprintf(stderr, "\n");                               \
			failures++;                                          \
		}                                                            \
	} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- wake list + the idle/notify pairing ---- */

enum { WAKERS = 3, PER_WAKER = 20000 };

struct wnode {
	struct wakelist_node node;
	unsigned payload; /* plain: written by the pusher, read by the owner */
};

static struct wakelist wl;
static int idle_flag; /* atomic seq_cst: the owner is about to sleep */
static int kick;      /* atomic: an "IPI" to the sleeping owner */
static struct wnode *wnodes;

static void *waker(void *arg)
{
	unsigned w = (unsigned)(uintptr_t)arg, i;

	for (i = 0; i < PER_WAKER; i++) {
		struct wnode *n = &wnodes[w * PER_WAKER + i];

		n->payload = w * PER_WAKER + i + 1;
		/* sched_push() then sched_notify(): seq_cst push, seq_cst
		 * load of the target's state; kick it only if it sleeps. */
		wakelist_push(&wl, &n->node);
		if (__atomic_load_n(&idle_flag, __ATOMIC_SEQ_CST))
			__atomic_store_n(&kick, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* The owner drains; when the list looks empty it publishes "idle" (seq_cst)
 * and looks again before sleeping, as pick_next()/idle_poll() do. A push
 * it neither sees nor gets kicked for is a lost wakeup: it would sleep
 * forever; here it times out after 2 s and fails. */
static void wakelist_no_lost_wakeup(void)
{
	pthread_t th[WAKERS];
	unsigned got = 0, lost = 0, w, next[WAKERS] = {0};
	unsigned char *seen;

	wnodes = calloc(WAKERS * PER_WAKER, sizeof(*wnodes));
	seen = calloc(WAKERS * PER_WAKER + 1, 1);
	for (w = 0; w < WAKERS; w++)
		pthread_create(&th[w], NULL, waker, (void *)(uintptr_t)w);
	while (got < WAKERS * PER_WAKER) {
		struct wakelist_node *n = wakelist_take_all(&wl);

		if (!n) {
			uint64_t t0 = now_ns();

			__atomic_store_n(&idle_flag, 1, __ATOMIC_SEQ_CST);
			while (wakelist_empty(&wl) &&
			       !__atomic_load_n(&kick, __ATOMIC_ACQUIRE)) {
				if (now_ns() - t0 > 2000000000ull) {
					lost++;
					break;
				}
				sched_yield();
			}
			__atomic_store_n(&kick, 0, __ATOMIC_RELAXED);
			__atomic_store_n(&idle_flag, 0, __ATOMIC_SEQ_CST);
			if (lost)
				break;
			continue;
		}
		for (; n; n = n->next) {
			struct wnode *x = container_of(n, struct wnode, node);

			if (x->payload < 1 || x->payload > WAKERS * PER_WAKER ||
			    seen[x->payload]) {
				CHECK(0, "node %u bad or seen twice", x->payload);
				continue;
			}
			seen[x->payload] = 1;
			w = (x->payload - 1) / PER_WAKER;
			CHECK((x->payload - 1) % PER_WAKER == next[w],
			      "waker %u: node %u after %u", w,
			      (x->payload - 1) % PER_WAKER, next[w]);
			next[w] = (x->payload - 1) % PER_WAKER + 1;
			got++;
		}
	}
	for (w = 0; w < WAKERS; w++)
		pthread_join(th[w], NULL);
	CHECK(lost == 0, "a push was neither seen nor kicked: lost wakeup "
	      "(%u of %u delivered)", got, WAKERS * PER_WAKER);
	CHECK(got == WAKERS * PER_WAKER, "%u delivered", got);
	free(wnodes);
	free(seen);
}

/* ---- ticket spinlock ---- */

enum { LOCKERS = 4, PER_LOCKER = 50000 };
static struct spinlock lock = SPINLOCK_INIT;
static uint64_t plain_counter; /* only under lock */

static void *locker(void *arg)
{
	for (unsigned i = 0; i < PER_LOCKER; i++) {
		unsigned long f = spin_lock_irqsave(&lock);

		plain_counter++;
		spin_unlock_irqrestore(&lock, f);
	}
	return NULL;
}

static void spinlock_counter(void)
{
	pthread_t th[LOCKERS];

	for (unsigned i = 0; i < LOCKERS; i++)
		pthread_create(&th[i], NULL, locker, NULL);
	for (unsigned i = 0; i < LOCKERS; i++)
		pthread_join(th[i], NULL);
	CHECK(plain_counter == (uint64_t)LOCKERS * PER_LOCKER, "counter %lu",
	      (unsigned long)plain_counter);
}

/* ---- reference count: the last put sees every holder's writes ---- */

enum { HOLDERS = 4, ROUNDS = 2000 };

struct obj {
	struct refcount ref;
	unsigned data[HOLDERS]; /* plain: holder i writes data[i] */
};

static struct obj *volatile shared;
static pthread_barrier_t bar;
static unsigned freed_ok;

static void *holder(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg;

	for (unsigned r = 0; r < ROUNDS; r++) {
		struct obj *o;

		pthread_barrier_wait(&bar);
		o = shared;
		o->data[id] = r + 1;
		if (refcount_put(&o->ref)) { /* last: free it */
			unsigned ok = 1;

			for (unsigned i = 0; i < HOLDERS; i++)
				ok &= o->data[i] == r + 1;
			freed_ok += ok;
			free(o);
		}
		pthread_barrier_wait(&bar);
		if (id == 0) { /* the next round's object */
			o = calloc(1, sizeof(*o));
			refcount_set(&o->ref, HOLDERS);
			shared = o;
		}
	}
	return NULL;
}

static void refcount_last_put(void)
{
	pthread_t th[HOLDERS];
	struct obj *o = calloc(1, sizeof(*o));

	refcount_set(&o->ref, HOLDERS);
	shared = o;
	pthread_barrier_init(&bar, NULL, HOLDERS);
	for (unsigned i = 0; i < HOLDERS; i++)
		pthread_create(&th[i], NULL, holder, (void *)(uintptr_t)i);
	for (unsigned i = 0; i < HOLDERS; i++)
		pthread_join(th[i], NULL);
	free(shared);
	CHECK(freed_ok == ROUNDS, "%u of %u last puts saw every write",
	      freed_ok, ROUNDS);
}

int main(void)
{
	wakelist_no_lost_wakeup();
	spinlock_counter();
	refcount_last_put();
	printf("tsan_lockfree: %s\n", failures ? "FAILED" : "passed");
	return failures ? 1 : 0;
}
