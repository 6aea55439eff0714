/* SPDX-License-Identifier: MIT */
/*
 * Intrusive doubly linked list for the scheduler: NULL-terminated, so an
 * all-zero list is empty and valid without an init call. Caller locks.
 */
#ifndef GUEST_SCHED_LIST_H
#define GUEST_SCHED_LIST_H

#include "types.h"

struct sched_link {
	struct sched_link *next; /* towards the tail, NULL at the tail */
	struct sched_link *prev; /* towards the head, NULL at the head */
};

struct sched_list {
	struct sched_link *head; /* first (oldest) element, NULL if empty */
	struct sched_link *tail; /* last (newest) element */
};

static inline bool sched_list_empty(const struct sched_list *l)
{
	return l->head == NULL;
}

static inline void sched_list_add_tail(struct sched_list *l,
				       struct sched_link *n)
{
	n->next = NULL;
	n->prev = l->tail;
	if (l->tail)
		l->tail->next = n;
	else
		l->head = n;
	l->tail = n;
}

static inline void sched_list_del(struct sched_list *l, struct sched_link *n)
{
	if (n->prev)
		n->prev->next = n->next;
	else
		l->head = n->next;
	if (n->next)
		n->next->prev = n->prev;
	else
		l->tail = n->prev;
	n->next = n->prev = NULL;
}

static inline struct sched_link *sched_list_pop(struct sched_list *l)
{
	struct sched_link *n = l->head;

	if (n)
		sched_list_del(l, n);
	return n;
}

#endif
