/* SPDX-License-Identifier: MIT */
/*
 * Placement policy: choose a CPU for a spawn or wake from load, priority
 * and affinity; choose a steal victim. Pure: no locks, no globals.
 */
#include "guest/sched/placement.h"
#include "guest/sched/prio.h"

bool placement_mask_valid(uint64_t mask, unsigned ncpu)
{
	return mask != 0 && (mask & ~placement_all(ncpu)) == 0;
}

/* Lower rank is better: idle, then preemptible, then by load. */
static uint64_t rank(const struct placement_load *c, int prio)
{
	if (c->cur_prio == SCHED_PRIO_IDLE && c->load == 0)
		return 0;
	if (c->cur_prio < prio)
		return 1 + (uint64_t)c->cur_prio + 1;
	return 64 + (uint64_t)c->load;
}

unsigned placement_pick(const struct placement_load *cpus, unsigned ncpu,
			uint64_t mask, unsigned prev, int prio)
{
	unsigned best = PLACEMENT_NONE, i, id;
	uint64_t best_rank = UINT64_MAX, r;
	bool any_online = false;

	if (ncpu > 64)
		ncpu = 64;
	mask &= placement_all(ncpu);
	if (!mask)
		return PLACEMENT_NONE;
	if (prev >= ncpu)
		prev = 0;
	for (i = 0; i < ncpu; i++)
		if ((mask >> i) & 1 && cpus[i].online)
			any_online = true;
	/* Scan prev, prev+1, ... so ties go to prev, then round robin. */
	for (i = 0; i < ncpu; i++) {
		id = (prev + i) % ncpu;
		if (!((mask >> id) & 1) || (any_online && !cpus[id].online))
			continue;
		r = rank(&cpus[id], prio);
		if (r < best_rank) {
			best_rank = r;
			best = id;
		}
	}
	return best;
}

unsigned placement_push_target(const struct placement_load *cpus,
			       unsigned ncpu, uint64_t mask, unsigned self,
			       int prio)
{
	unsigned best = PLACEMENT_NONE, i;

	if (ncpu > 64)
		ncpu = 64;
	for (i = 0; i < ncpu; i++) {
		const struct placement_load *c = &cpus[i];

		if (i == self || !((mask >> i) & 1) || !c->online ||
		    c->cur_prio >= prio)
			continue;
		if (best == PLACEMENT_NONE || c->cur_prio < cpus[best].cur_prio ||
		    (c->cur_prio == cpus[best].cur_prio &&
		     c->load < cpus[best].load))
			best = i;
	}
	return best;
}

unsigned placement_victim(const struct placement_load *cpus, unsigned ncpu,
			  unsigned self)
{
	unsigned best = PLACEMENT_NONE, most = 0, i, id;

	if (ncpu > 64)
		ncpu = 64;
	for (i = 1; i < ncpu; i++) {
		id = (self + i) % ncpu;
		if (cpus[id].online && cpus[id].ready > most) {
			most = cpus[id].ready;
			best = id;
		}
	}
	return best;
}
