/* SPDX-License-Identifier: MIT */
/*
 * Thread priorities and the 64-level priority bitmap behind the O(1) pick.
 * Higher numbers run first; the idle thread sits below SCHED_PRIO_MIN.
 */
#ifndef GUEST_SCHED_PRIO_H
#define GUEST_SCHED_PRIO_H

#include "types.h"

#define SCHED_PRIO_MIN 0      /* lowest priority a thread may have */
#define SCHED_PRIO_MAX 31     /* highest priority a thread may have */
#define SCHED_PRIO_DEFAULT 8  /* thread_attr with priority left at 0 */
#define SCHED_PRIO_LEVELS (SCHED_PRIO_MAX + 1)
#define SCHED_PRIO_IDLE (-1)  /* published by a CPU running its idle thread */

_Static_assert(SCHED_PRIO_LEVELS <= 64, "bitmap is one 64-bit word");

struct prio_bitmap {
	uint64_t bits; /* bit p set iff level p is non-empty */
};

static inline bool prio_valid(int prio)
{
	return prio >= SCHED_PRIO_MIN && prio <= SCHED_PRIO_MAX;
}

static inline void prio_bitmap_set(struct prio_bitmap *b, unsigned p)
{
	b->bits |= 1ull << p;
}

static inline void prio_bitmap_clear(struct prio_bitmap *b, unsigned p)
{
	b->bits &= ~(1ull << p);
}

static inline bool prio_bitmap_test(const struct prio_bitmap *b, unsigned p)
{
	return (b->bits >> p) & 1;
}

/* Highest set level, or -1 when empty: one count-leading-zeros. */
static inline int prio_bitmap_highest(const struct prio_bitmap *b)
{
	return b->bits ? 63 - __builtin_clzll(b->bits) : -1;
}

/* Highest set level strictly below 'below', or -1. */
static inline int prio_bitmap_next_below(const struct prio_bitmap *b,
					 int below)
{
	uint64_t m;

	if (below <= 0)
		return -1;
	m = below >= 64 ? b->bits : b->bits & ((1ull << below) - 1);
	return m ? 63 - __builtin_clzll(m) : -1;
}

#endif
