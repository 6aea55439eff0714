/* SPDX-License-Identifier: MIT */
/* Host tests of placement (spawn/wake target) and steal-victim policy. */
#include <criterion/criterion.h>

#include "guest/sched/placement.h"
#include "guest/sched/prio.h"

static struct placement_load busy(unsigned load, int prio)
{
	return (struct placement_load){.online = true, .load = load,
				       .ready = load ? load - 1 : 0,
				       .cur_prio = prio};
}

static struct placement_load idle_cpu(void)
{
	return (struct placement_load){.online = true,
				       .cur_prio = SCHED_PRIO_IDLE};
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

Test(placement, prefers_idle_then_prev)
{
	struct placement_load c[4] = {busy(1, 8), idle_cpu(), busy(2, 8),
				      idle_cpu()};

	cr_assert_eq(placement_pick(c, 4, 0xf, 0, 8), 1);
	cr_assert_eq(placement_pick(c, 4, 0xf, 3, 8), 3); /* prev idle */
	cr_assert_eq(placement_pick(c, 4, 0x5, 0, 8), 0); /* least loaded */
}

Test(placement, never_outside_mask)
{
	struct placement_load c[4] = {idle_cpu(), idle_cpu(), busy(9, 30),
				      idle_cpu()};
	unsigned prev;

	for (prev = 0; prev < 4; prev++)
		cr_assert_eq(placement_pick(c, 4, 1u << 2, prev, 1), 2);
	cr_assert_eq(placement_pick(c, 4, 1u << 5, 0, 1), PLACEMENT_NONE);
	cr_assert_eq(placement_pick(c, 4, 0, 0, 1), PLACEMENT_NONE);
}

Test(placement, preempts_lowest_priority)
{
	struct placement_load c[3] = {busy(1, 10), busy(1, 3), busy(1, 20)};

	cr_assert_eq(placement_pick(c, 3, 7, 0, 15), 1);
	/* Nothing below 2: least loaded, prev wins the tie. */
	c[1] = busy(3, 3);
	cr_assert_eq(placement_pick(c, 3, 7, 2, 2), 2);
}

Test(placement, idle_with_queued_work_is_not_idle)
{
	struct placement_load c[2] = {idle_cpu(), idle_cpu()};

	c[0].load = 1; /* wakeup queued, not yet running */
	cr_assert_eq(placement_pick(c, 2, 3, 0, 8), 1);
}

Test(placement, offline_cpus_skipped_unless_only_choice)
{
	struct placement_load c[3] = {busy(5, 8), idle_cpu(), idle_cpu()};

	c[1].online = false;
	cr_assert_eq(placement_pick(c, 3, 3, 1, 8), 0);
	cr_assert_eq(placement_pick(c, 3, 2, 0, 8), 1);
}

Test(placement, spreads_burst_round_robin)
{
	struct placement_load c[4] = {busy(1, 8), busy(1, 8), busy(1, 8),
				      busy(1, 8)};
	unsigned i, cpu;

	/* The caller bumps load after each placement, as sched.c does. */
	for (i = 0; i < 8; i++) {
		cpu = placement_pick(c, 4, 0xf, 0, 8);
		c[cpu].load++;
	}
	for (i = 0; i < 4; i++)
		cr_assert_eq(c[i].load, 3);
}

Test(placement, push_to_lowest_priority_other_cpu)
{
	struct placement_load c[4] = {busy(2, 12), busy(1, 4), idle_cpu(),
				      busy(1, 2)};

	/* A prio-8 thread waiting on CPU 0 goes to the idle CPU 2. */
	cr_assert_eq(placement_push_target(c, 4, 0xf, 0, 8), 2);
	/* Not allowed there: the lowest running priority, CPU 3. */
	cr_assert_eq(placement_push_target(c, 4, 0xb, 0, 8), 3);
	/* Only CPUs running at least its priority: stay. */
	cr_assert_eq(placement_push_target(c, 4, 0x3, 0, 4), PLACEMENT_NONE);
	/* Never self, never offline. */
	cr_assert_eq(placement_push_target(c, 4, 0x5, 2, 8), PLACEMENT_NONE);
	c[3].online = false;
	cr_assert_eq(placement_push_target(c, 4, 0x9, 0, 8), PLACEMENT_NONE);
}

Test(placement, victim_is_busiest_online)
{
	struct placement_load c[4] = {idle_cpu(), busy(3, 8), busy(5, 8),
				      busy(5, 8)};

	cr_assert_eq(placement_victim(c, 4, 0), 2); /* first max after self */
	cr_assert_eq(placement_victim(c, 4, 2), 3);
	c[3].online = false;
	cr_assert_eq(placement_victim(c, 4, 2), 1); /* self excluded */
	c[1].ready = c[2].ready = 0;
	cr_assert_eq(placement_victim(c, 4, 0), PLACEMENT_NONE);
}
