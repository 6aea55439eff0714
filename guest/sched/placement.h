/* SPDX-License-Identifier: MIT */
/*
 * Placement policy, pure functions over a snapshot of per-CPU load so the
 * host tests can drive them: where a spawned or woken thread goes, whom an
 * idle CPU steals from. Affinity is a 64-bit mask of CPU ids.
 */
#ifndef GUEST_SCHED_PLACEMENT_H
#define GUEST_SCHED_PLACEMENT_H

#include "types.h"

#define PLACEMENT_NONE (~0u)

/* 8 bytes: the guest keeps a MAX_CPUS array of these on thread stacks. */
struct placement_load {
	bool online;     /* CPU accepts work (in its scheduler loop) */
	int8_t cur_prio; /* priority running now, SCHED_PRIO_IDLE if idle */
	uint16_t load;   /* ready + queued wakeups + running (non-idle) */
	uint16_t ready;  /* threads on its run queue (stealable) */
};

/* Mask of CPU ids 0..ncpu-1. */
static inline uint64_t placement_all(unsigned ncpu)
{
	return ncpu >= 64 ? ~0ull : (1ull << ncpu) - 1;
}

/* True if mask is non-empty and names only CPUs below ncpu. */
bool placement_mask_valid(uint64_t mask, unsigned ncpu);

/* CPU for a thread of priority prio allowed on mask, last on prev (or
 * the spawner's CPU): an idle allowed CPU first (prev preferred), else
 * the one running the lowest priority below prio, else the least loaded
 * (prev wins ties, then the next ids after prev). Offline CPUs are used
 * only when no allowed CPU is online. PLACEMENT_NONE if mask names no
 * CPU below ncpu. */
unsigned placement_pick(const struct placement_load *cpus, unsigned ncpu,
			uint64_t mask, unsigned prev, int prio);

/* Where to push a thread of priority prio that waits on self's run queue:
 * the allowed online CPU other than self running the lowest priority below
 * prio (idle counts lowest; fewer queued wins ties); PLACEMENT_NONE if
 * every allowed CPU runs prio or higher. */
unsigned placement_push_target(const struct placement_load *cpus,
			       unsigned ncpu, uint64_t mask, unsigned self,
			       int prio);

/* Victim for an idle CPU self to steal from: the online CPU with the most
 * ready threads (at least one), scanning from self + 1 for fairness;
 * PLACEMENT_NONE if nobody has ready work. */
unsigned placement_victim(const struct placement_load *cpus, unsigned ncpu,
			  unsigned self);

#endif
