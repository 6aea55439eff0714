/* SPDX-License-Identifier: MIT */
/*
 * The CPU map: which CPUs run at which priority, which are idle, which
 * have threads waiting on their run queue. Each CPU keeps its own bits
 * current (it moves them when its running priority changes), so a wake,
 * a push or a steal finds its target with a few mask loads, never a walk
 * over every CPU. The map is a hint: a reader may see a CPU one switch
 * late. Whether a pushed thread gets an IPI is decided by cur_prio and
 * the wake list (sched_notify), not by the map.
 */
#ifndef GUEST_SCHED_PLACEMENT_H
#define GUEST_SCHED_PLACEMENT_H

#include "types.h"
#include "guest/sched/prio.h"

#define PLACEMENT_NONE (~0u)
#define CPUMAP_OUT (-2) /* a CPU's "priority" before it joins the map */

struct cpumap {
	uint64_t level[SCHED_PRIO_LEVELS + 1]; /* [0] idle, [p + 1] running p */
	uint64_t waiting; /* a thread that may move waits: steal victims */
	uint64_t online;  /* in the scheduler loop */
};

static inline uint64_t placement_all(unsigned ncpu)
{
	return ncpu >= 64 ? ~0ull : (1ull << ncpu) - 1;
}

bool placement_mask_valid(uint64_t mask, unsigned ncpu);

/* The first CPU of mask at or after start, wrapping; NONE if empty. */
static inline unsigned placement_next(uint64_t mask, unsigned start)
{
	uint64_t from = start < 64 ? mask & (~0ull << start) : 0;

	if (!mask)
		return PLACEMENT_NONE;
	return (unsigned)__builtin_ctzll(from ? from : mask);
}

/* cpu now runs at prio (SCHED_PRIO_IDLE: idle) instead of old. */
void cpumap_move(struct cpumap *m, unsigned cpu, int old, int prio);
void cpumap_set_waiting(struct cpumap *m, unsigned cpu, bool waiting);

/* The CPUs of mask at the lowest occupied level below prio: idle ones if
 * any, else those running the lowest priority under prio; 0 if none.
 * Costs one load per level looked at, at most prio + 1. */
uint64_t placement_below(const struct cpumap *m, uint64_t mask, int prio);

#endif
