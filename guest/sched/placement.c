/* SPDX-License-Identifier: MIT */
/*
 * The CPU map (see placement.h). Pure: atomics on the map it is given,
 * no locks, no other state; unit-tested on the host.
 */
#include "guest/sched/placement.h"

bool placement_mask_valid(uint64_t mask, unsigned ncpu)
{
	return mask != 0 && (mask & ~placement_all(ncpu)) == 0;
}

static uint64_t *slot(struct cpumap *m, int prio)
{
	return &m->level[prio + 1];
}

void cpumap_move(struct cpumap *m, unsigned cpu, int old, int prio)
{
	uint64_t bit = 1ull << cpu;

	if (old == prio)
		return;
	if (prio != CPUMAP_OUT)
		__atomic_fetch_or(slot(m, prio), bit, __ATOMIC_RELAXED);
	if (old != CPUMAP_OUT)
		__atomic_fetch_and(slot(m, old), ~bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_or(&m->online, bit, __ATOMIC_RELAXED);
}

void cpumap_set_waiting(struct cpumap *m, unsigned cpu, bool waiting)
{
	if (waiting)
		__atomic_fetch_or(&m->waiting, 1ull << cpu, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&m->waiting, ~(1ull << cpu),
				   __ATOMIC_RELAXED);
}

uint64_t placement_below(const struct cpumap *m, uint64_t mask, int prio)
{
	for (int p = SCHED_PRIO_IDLE; p < prio && p <= SCHED_PRIO_MAX; p++) {
		uint64_t c = __atomic_load_n(&m->level[p + 1],
					     __ATOMIC_RELAXED) & mask;

		if (c)
			return c;
	}
	return 0;
}
