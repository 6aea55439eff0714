/* SPDX-License-Identifier: MIT */
/*
 * Pairing heap of deadlines. Children of a node form a list through
 * next/prev; the leftmost child's prev points at its parent, so every
 * queued node but the root has a prev. Caller locks.
 */
#include "guest/sched/timerq.h"

void timerq_init(struct timerq *q)
{
	q->root = NULL;
	q->nr = 0;
}

/* Link two detached heaps; the later deadline becomes the first child. */
static struct timerq_node *meld(struct timerq_node *a, struct timerq_node *b)
{
	struct timerq_node *t;

	if (!a)
		return b;
	if (!b)
		return a;
	if (b->deadline < a->deadline) {
		t = a;
		a = b;
		b = t;
	}
	b->prev = a;
	b->next = a->child;
	if (a->child)
		a->child->prev = b;
	a->child = b;
	a->next = a->prev = NULL;
	return a;
}

/* Two-pass merge of a sibling list into one heap, without recursion:
 * pass one melds pairs left to right, chaining results through ->prev;
 * pass two melds that chain right to left. */
static struct timerq_node *merge_siblings(struct timerq_node *first)
{
	struct timerq_node *acc = NULL, *a, *b, *rest;

	while (first) {
		a = first;
		b = a->next;
		rest = b ? b->next : NULL;
		a->next = a->prev = NULL;
		if (b)
			b->next = b->prev = NULL;
		a = meld(a, b);
		a->prev = acc; /* temporary chain of pair results */
		acc = a;
		first = rest;
	}
	a = NULL;
	while (acc) {
		b = acc->prev;
		acc->prev = NULL;
		a = meld(a, acc);
		acc = b;
	}
	return a;
}

void timerq_insert(struct timerq *q, struct timerq_node *n, uint64_t deadline)
{
	n->deadline = deadline;
	n->child = n->next = n->prev = NULL;
	q->root = meld(q->root, n);
	q->nr++;
}

/* Detach n's subtree from its parent / siblings (n is not the root). */
static void cut(struct timerq_node *n)
{
	if (n->prev->child == n)
		n->prev->child = n->next;
	else
		n->prev->next = n->next;
	if (n->next)
		n->next->prev = n->prev;
	n->next = n->prev = NULL;
}

bool timerq_remove(struct timerq *q, struct timerq_node *n)
{
	struct timerq_node *sub;

	if (!timerq_queued(q, n))
		return false;
	if (n != q->root)
		cut(n);
	sub = merge_siblings(n->child);
	if (n == q->root)
		q->root = sub;
	else
		q->root = meld(q->root, sub);
	n->child = NULL; /* and prev is NULL: not queued */
	q->nr--;
	return true;
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->root ? q->root->deadline : UINT64_MAX;
}

struct timerq_node *timerq_pop_expired(struct timerq *q, uint64_t now)
{
	struct timerq_node *n = q->root;

	if (!n || n->deadline > now)
		return NULL;
	timerq_remove(q, n);
	return n;
}
