/* SPDX-License-Identifier: MIT */
/*
 * Lock-free multi-producer, single-consumer wake list: any CPU pushes with
 * a CAS; only the owning CPU takes the whole list with one exchange. No
 * single-node pop exists, so the push CAS cannot suffer ABA.
 */
#ifndef GUEST_SCHED_WAKELIST_H
#define GUEST_SCHED_WAKELIST_H

#include "types.h"

struct wakelist_node {
	struct wakelist_node *next; /* written by the pusher before publishing */
};

struct wakelist {
	struct wakelist_node *head; /* newest first; atomic, NULL if empty */
};

/* Any CPU. Returns true if the list was empty before (first pusher). */
bool wakelist_push(struct wakelist *wl, struct wakelist_node *n);
/* Owner only: take everything, oldest first (FIFO in push order). */
struct wakelist_node *wakelist_take_all(struct wakelist *wl);

/* Seq_cst: the switch path's "publish cur_prio, then look" (sched.c).
 * Inline: every switch looks, and the list is almost always empty. */
static inline bool wakelist_empty(const struct wakelist *wl)
{
	return __atomic_load_n(&wl->head, __ATOMIC_SEQ_CST) == NULL;
}

#endif
