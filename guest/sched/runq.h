/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU run queue: one FIFO per priority level plus a bitmap of the
 * non-empty levels, so pick is O(1). Not locked: the owner CPU's
 * sched_cpu.lock protects every call (host tests call it single-threaded).
 */
#ifndef GUEST_SCHED_RUNQ_H
#define GUEST_SCHED_RUNQ_H

#include "guest/sched/list.h"
#include "guest/sched/prio.h"

struct runq_node {
	struct sched_link link; /* in runq.level[level] */
	uint8_t level;          /* level it was queued at (set by runq_add) */
	bool queued;            /* on a run queue now */
	bool movable;           /* may run on another CPU too (its owner keeps
				 * it; changed only while not queued, or with
				 * runq_set_movable) */
};

struct runq {
	struct prio_bitmap map;                   /* non-empty levels */
	unsigned nr;                              /* nodes queued, all levels */
	unsigned nr_movable;                      /* ... of them movable */
	struct sched_list level[SCHED_PRIO_LEVELS]; /* FIFO per priority */
};

void runq_init(struct runq *rq);

/* Append n at the tail of its level (round robin). level must be valid.
 * Inline with remove and top: each switch calls them. */
static inline void runq_add(struct runq *rq, struct runq_node *n,
			    unsigned level)
{
	n->level = (uint8_t)level;
	n->queued = true;
	sched_list_add_tail(&rq->level[level], &n->link);
	prio_bitmap_set(&rq->map, level);
	rq->nr++;
	rq->nr_movable += n->movable;
}

static inline void runq_remove(struct runq *rq, struct runq_node *n)
{
	struct sched_list *l = &rq->level[n->level];

	sched_list_del(l, &n->link);
	if (sched_list_empty(l))
		prio_bitmap_clear(&rq->map, n->level);
	n->queued = false;
	rq->nr--;
	rq->nr_movable -= n->movable;
}

/* Change whether n may move, keeping rq's count right if it is queued. */
static inline void runq_set_movable(struct runq *rq, struct runq_node *n,
				    bool movable)
{
	if (n->queued)
		rq->nr_movable += (unsigned)movable - (unsigned)n->movable;
	n->movable = movable;
}

/* Highest non-empty level, or SCHED_PRIO_IDLE when empty. */
static inline int runq_top(const struct runq *rq)
{
	return prio_bitmap_highest(&rq->map);
}
/* Highest-priority, oldest node for which ok() is true (not removed). */
struct runq_node *runq_find(struct runq *rq,
			    bool (*ok)(struct runq_node *n, void *arg),
			    void *arg);

#endif
