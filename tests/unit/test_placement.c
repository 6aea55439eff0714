/* SPDX-License-Identifier: MIT */
/* Host tests of the CPU map: priority levels, idle and waiting masks, and
 * the bounded lookups placement, push and steal make in it. */
#include <criterion/criterion.h>

#include "guest/sched/placement.h"
#include "guest/sched/prio.h"

static struct cpumap map_of(const int *prio, unsigned n)
{
	struct cpumap m = {0};

	for (unsigned i = 0; i < n; i++)
		cpumap_move(&m, i, CPUMAP_OUT, prio[i]);
	return m;
}

Test(placement, mask_valid)
{
	cr_assert(placement_mask_valid(1, 1));
	cr_assert(!placement_mask_valid(0, 4));
	cr_assert(!placement_mask_valid(1ull << 4, 4));
	cr_assert(placement_mask_valid(0xf, 4));
	cr_assert(placement_mask_valid(~0ull, 64));
	cr_assert_eq(placement_all(64), ~0ull);
	cr_assert_eq(placement_all(3), 7);
}

Test(placement, next_wraps_from_start)
{
	cr_assert_eq(placement_next(0, 0), PLACEMENT_NONE);
	cr_assert_eq(placement_next(0x12, 0), 1);
	cr_assert_eq(placement_next(0x12, 1), 1);
	cr_assert_eq(placement_next(0x12, 2), 4);
	cr_assert_eq(placement_next(0x12, 5), 1); /* wraps */
	cr_assert_eq(placement_next(1ull << 63, 63), 63);
	cr_assert_eq(placement_next(1, 64), 0);   /* start past the end */
	cr_assert_eq(placement_next(1ull << 63, 100), 63);
}

Test(placement, move_keeps_one_level_per_cpu)
{
	struct cpumap m = {0};

	cpumap_move(&m, 3, CPUMAP_OUT, SCHED_PRIO_IDLE);
	cr_assert_eq(m.online, 1u << 3);
	cr_assert_eq(m.level[0], 1u << 3);
	cpumap_move(&m, 3, SCHED_PRIO_IDLE, 8);
	cr_assert_eq(m.level[0], 0);
	cr_assert_eq(m.level[9], 1u << 3);
	cpumap_move(&m, 3, 8, 8); /* no change: no write */
	cr_assert_eq(m.level[9], 1u << 3);
	cpumap_move(&m, 3, 8, SCHED_PRIO_MAX);
	cr_assert_eq(m.level[9], 0);
	cr_assert_eq(m.level[SCHED_PRIO_MAX + 1], 1u << 3);
	for (unsigned l = 0; l < SCHED_PRIO_MAX + 1; l++)
		cr_assert_eq(m.level[l], 0, "level %u", l);
	cr_assert_eq(m.online, 1u << 3);
}

Test(placement, below_prefers_idle_then_lowest)
{
	int prio[5] = {12, 4, SCHED_PRIO_IDLE, 2, SCHED_PRIO_IDLE};
	struct cpumap m = map_of(prio, 5);

	/* Idle CPUs first, whatever runs elsewhere. */
	cr_assert_eq(placement_below(&m, 0x1f, 8), (1u << 2) | (1u << 4));
	/* None idle allowed: those running the lowest priority. */
	cr_assert_eq(placement_below(&m, 0x0b, 8), 1u << 3);
	cr_assert_eq(placement_below(&m, 0x03, 8), 1u << 1);
	/* Only CPUs running at least its priority: none. */
	cr_assert_eq(placement_below(&m, 0x03, 4), 0);
	cr_assert_eq(placement_below(&m, 0x01, 12), 0);
	cr_assert_eq(placement_below(&m, 0x01, 13), 1u << 0);
	/* A CPU not in the map (not started) is never a target. */
	cr_assert_eq(placement_below(&m, 1u << 7, SCHED_PRIO_MAX), 0);
	cr_assert_eq(placement_below(&m, 0, SCHED_PRIO_MAX), 0);
}

Test(placement, waiting_mask)
{
	struct cpumap m = {0};

	cpumap_set_waiting(&m, 5, true);
	cpumap_set_waiting(&m, 63, true);
	cr_assert_eq(m.waiting, (1ull << 5) | (1ull << 63));
	cpumap_set_waiting(&m, 5, false);
	cr_assert_eq(m.waiting, 1ull << 63);
	cr_assert_eq(placement_next(m.waiting & ~(1ull << 0), 1), 63);
}

Test(placement, sixty_four_cpus)
{
	int prio[64];

	for (unsigned i = 0; i < 64; i++)
		prio[i] = 20;
	prio[40] = 3;
	prio[63] = SCHED_PRIO_IDLE;
	struct cpumap m = map_of(prio, 64);

	cr_assert_eq(m.online, ~0ull);
	cr_assert_eq(placement_below(&m, ~0ull, 10), 1ull << 63);
	cr_assert_eq(placement_below(&m, ~(1ull << 63), 10), 1ull << 40);
	cr_assert_eq(placement_next(placement_below(&m, ~0ull, 21) , 0), 63);
}
