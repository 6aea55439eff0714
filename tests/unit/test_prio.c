/* SPDX-License-Identifier: MIT */
/* Host tests of the priority range and the 64-level priority bitmap. */
#include <criterion/criterion.h>

#include "guest/sched/prio.h"

Test(prio, range)
{
	cr_assert(prio_valid(SCHED_PRIO_MIN));
	cr_assert(prio_valid(SCHED_PRIO_MAX));
	cr_assert(prio_valid(SCHED_PRIO_DEFAULT));
	cr_assert(!prio_valid(SCHED_PRIO_MIN - 1));
	cr_assert(!prio_valid(SCHED_PRIO_MAX + 1));
	cr_assert(!prio_valid(SCHED_PRIO_IDLE));
}

Test(prio, empty_bitmap)
{
	struct prio_bitmap b = {0};

	cr_assert_eq(prio_bitmap_highest(&b), -1);
	cr_assert_eq(prio_bitmap_next_below(&b, 64), -1);
}

Test(prio, highest_and_next_below)
{
	struct prio_bitmap b = {0};

	prio_bitmap_set(&b, 0);
	prio_bitmap_set(&b, 5);
	prio_bitmap_set(&b, 31);
	prio_bitmap_set(&b, 63);
	cr_assert_eq(prio_bitmap_highest(&b), 63);
	cr_assert_eq(prio_bitmap_next_below(&b, 63), 31);
	cr_assert_eq(prio_bitmap_next_below(&b, 31), 5);
	cr_assert_eq(prio_bitmap_next_below(&b, 5), 0);
	cr_assert_eq(prio_bitmap_next_below(&b, 0), -1);
	prio_bitmap_clear(&b, 63);
	cr_assert_eq(prio_bitmap_highest(&b), 31);
	cr_assert(prio_bitmap_test(&b, 5));
	cr_assert(!prio_bitmap_test(&b, 6));
}

Test(prio, every_single_level)
{
	struct prio_bitmap b = {0};
	int p;

	for (p = 0; p < 64; p++) {
		b.bits = 0;
		prio_bitmap_set(&b, (unsigned)p);
		cr_assert_eq(prio_bitmap_highest(&b), p);
		cr_assert_eq(prio_bitmap_next_below(&b, p), -1);
	}
}
