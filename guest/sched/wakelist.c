/* SPDX-License-Identifier: MIT */
/*
 * MPSC wake list (Treiber push, exchange-all take). Memory ordering:
 * the release half of the push CAS publishes n->next and every earlier
 * write to the woken thread; it pairs with the acquire exchange in
 * wakelist_take_all(). Both are SEQ_CST so that "push, then read the
 * target's idle/polling state" forms a Dekker pair with the idle loop's
 * "publish idle, then read the list" (see sched.c).
 */
#include "guest/sched/wakelist.h"

bool wakelist_push(struct wakelist *wl, struct wakelist_node *n)
{
	struct wakelist_node *old = __atomic_load_n(&wl->head, __ATOMIC_RELAXED);

	do {
		n->next = old;
	} while (!__atomic_compare_exchange_n(&wl->head, &old, n, true,
					      __ATOMIC_SEQ_CST,
					      __ATOMIC_RELAXED));
	return old == NULL;
}

struct wakelist_node *wakelist_take_all(struct wakelist *wl)
{
	/* Pairs with the CAS in wakelist_push(): sees each n->next. */
	struct wakelist_node *n = __atomic_exchange_n(&wl->head, NULL,
						      __ATOMIC_SEQ_CST);
	struct wakelist_node *fifo = NULL, *next;

	while (n) { /* reverse newest-first into push order */
		next = n->next;
		n->next = fifo;
		fifo = n;
		n = next;
	}
	return fifo;
}
