/* SPDX-License-Identifier: MIT */
/*
 * Per-priority run queue with a bitmap of non-empty levels (O(1) pick,
 * round robin within a level). Caller holds the owning CPU's run-queue lock.
 */
#include "guest/sched/runq.h"

void runq_init(struct runq *rq)
{
	unsigned i;

	rq->map.bits = 0;
	rq->nr = 0;
	for (i = 0; i < SCHED_PRIO_LEVELS; i++)
		rq->level[i].head = rq->level[i].tail = NULL;
}

struct runq_node *runq_find(struct runq *rq,
			    bool (*ok)(struct runq_node *n, void *arg),
			    void *arg)
{
	int lvl = prio_bitmap_highest(&rq->map);
	struct sched_link *l;

	for (; lvl >= 0; lvl = prio_bitmap_next_below(&rq->map, lvl)) {
		for (l = rq->level[lvl].head; l; l = l->next) {
			struct runq_node *n =
				container_of(l, struct runq_node, link);

			if (ok(n, arg))
				return n;
		}
	}
	return NULL;
}
