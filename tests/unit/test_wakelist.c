/* SPDX-License-Identifier: MIT */
/* Host tests of the lock-free MPSC wake list, with a pthread stress. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

#include "guest/sched/wakelist.h"

struct item {
	struct wakelist_node node;
	unsigned producer;
	unsigned seq;
};

Test(wakelist, fifo_single_thread)
{
	struct wakelist wl = {0};
	struct item it[4];
	struct wakelist_node *n;
	unsigned i = 0;

	cr_assert(wakelist_empty(&wl));
	cr_assert_null(wakelist_take_all(&wl));
	for (i = 0; i < 4; i++) {
		it[i].seq = i;
		cr_assert_eq(wakelist_push(&wl, &it[i].node), i == 0);
	}
	cr_assert(!wakelist_empty(&wl));
	i = 0;
	for (n = wakelist_take_all(&wl); n; n = n->next, i++)
		cr_assert_eq(container_of(n, struct item, node)->seq, i);
	cr_assert_eq(i, 4);
	cr_assert(wakelist_empty(&wl));
}

enum { PRODUCERS = 4, PER_PRODUCER = 100000 };

static struct wakelist stress_wl;
static struct item *stress_items;
static volatile int producers_done;

static void *producer(void *arg)
{
	unsigned p = (unsigned)(uintptr_t)arg, i;

	for (i = 0; i < PER_PRODUCER; i++) {
		struct item *it = &stress_items[p * PER_PRODUCER + i];

		it->producer = p;
		it->seq = i;
		wakelist_push(&stress_wl, &it->node);
		if (i % 1024 == 0)
			sched_yield(); /* let the consumer interleave */
	}
	__atomic_fetch_add(&producers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* 4 producers push 100k nodes each while the consumer takes batches:
 * every node arrives exactly once and each producer's order is kept. */
Test(wakelist, mpsc_stress, .timeout = 60)
{
	pthread_t th[PRODUCERS];
	unsigned next_seq[PRODUCERS] = {0}, got = 0, batches = 0, p;
	unsigned char *seen;
	struct wakelist_node *n;

	stress_items = calloc(PRODUCERS * PER_PRODUCER, sizeof(*stress_items));
	seen = calloc(PRODUCERS * PER_PRODUCER, 1);
	for (p = 0; p < PRODUCERS; p++)
		pthread_create(&th[p], NULL, producer, (void *)(uintptr_t)p);
	for (;;) {
		bool done = __atomic_load_n(&producers_done, __ATOMIC_ACQUIRE) ==
			    PRODUCERS;

		n = wakelist_take_all(&stress_wl);
		if (n)
			batches++;
		for (; n; n = n->next) {
			struct item *it = container_of(n, struct item, node);
			size_t idx = (size_t)(it - stress_items);

			cr_assert_eq(seen[idx], 0, "node delivered twice");
			seen[idx] = 1;
			cr_assert_eq(it->seq, next_seq[it->producer],
				     "producer %u order broken", it->producer);
			next_seq[it->producer]++;
			got++;
		}
		if (done && wakelist_empty(&stress_wl))
			break;
	}
	for (p = 0; p < PRODUCERS; p++)
		pthread_join(th[p], NULL);
	cr_assert_eq(got, PRODUCERS * PER_PRODUCER);
	cr_log_info("%u nodes in %u batches", got, batches);
	free(stress_items);
	free(seen);
}
