/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU timer queue of sleeping threads: an intrusive pairing heap keyed
 * by absolute deadline (insert O(1), pop-min and remove O(log n) amortized).
 * Not locked: the owning CPU's sched_cpu.tq_lock protects every call.
 */
#ifndef GUEST_SCHED_TIMERQ_H
#define GUEST_SCHED_TIMERQ_H

#include "types.h"

struct timerq_node {
	uint64_t deadline;          /* absolute virt_clock_ns() time */
	struct timerq_node *child;  /* leftmost child */
	struct timerq_node *next;   /* right sibling */
	struct timerq_node *prev;   /* left sibling, or parent if leftmost;
				     * NULL for the root and when not queued */
};

struct timerq {
	struct timerq_node *root; /* earliest deadline, NULL if empty */
	unsigned nr;              /* nodes queued */
};

void timerq_init(struct timerq *q);
void timerq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline);
/* n is in q now (not queued anywhere else). */
static inline bool timerq_queued(const struct timerq *q,
				 const struct timerq_node *n)
{
	return n->prev || q->root == n;
}
/* Remove n if queued; returns whether it was. */
bool timerq_remove(struct timerq *q, struct timerq_node *n);
/* Earliest deadline, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);
/* Remove and return the earliest node if its deadline <= now, else NULL. */
struct timerq_node *timerq_pop_expired(struct timerq *q, uint64_t now);

#endif
