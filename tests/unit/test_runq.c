/* SPDX-License-Identifier: MIT */
/* Host tests of the per-CPU run queue: O(1) pick, FIFO per level. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "guest/sched/runq.h"

struct item {
	struct runq_node node;
	int id;
	uint64_t mask;
};

static struct item *item_of(struct runq_node *n)
{
	return n ? container_of(n, struct item, node) : NULL;
}

/* What the scheduler's pick does: the head of the highest level, out. */
static struct runq_node *runq_pop(struct runq *rq)
{
	int top = runq_top(rq);
	struct runq_node *n;

	if (top < 0)
		return NULL;
	n = container_of(rq->level[top].head, struct runq_node, link);
	runq_remove(rq, n);
	return n;
}

Test(runq, empty)
{
	struct runq rq;

	runq_init(&rq);
	cr_assert_eq(runq_top(&rq), SCHED_PRIO_IDLE);
	cr_assert_null(runq_pop(&rq));
	cr_assert_eq(rq.nr, 0);
}

Test(runq, highest_first_fifo_within_level)
{
	struct runq rq;
	struct item it[6] = {{.id = 0}, {.id = 1}, {.id = 2},
			     {.id = 3}, {.id = 4}, {.id = 5}};
	int lv[6] = {3, 7, 3, 0, 7, 31};
	int expect[6] = {5, 1, 4, 0, 2, 3};
	int i;

	runq_init(&rq);
	for (i = 0; i < 6; i++)
		runq_add(&rq, &it[i].node, (unsigned)lv[i]);
	cr_assert_eq(rq.nr, 6);
	cr_assert_eq(runq_top(&rq), 31);
	for (i = 0; i < 6; i++) {
		struct item *x = item_of(runq_pop(&rq));

		cr_assert_not_null(x);
		cr_assert_eq(x->id, expect[i], "pop %d got %d", i, x->id);
		cr_assert(!x->node.queued);
	}
	cr_assert_eq(rq.nr, 0);
	cr_assert_eq(rq.map.bits, 0);
}

Test(runq, remove_middle_keeps_bitmap_right)
{
	struct runq rq;
	struct item a = {.id = 1}, b = {.id = 2}, c = {.id = 3};

	runq_init(&rq);
	runq_add(&rq, &a.node, 5);
	runq_add(&rq, &b.node, 5);
	runq_add(&rq, &c.node, 9);
	runq_remove(&rq, &c.node);
	cr_assert_eq(runq_top(&rq), 5);
	runq_remove(&rq, &a.node);
	cr_assert_eq(runq_top(&rq), 5);
	cr_assert_eq(item_of(runq_pop(&rq))->id, 2);
	cr_assert_eq(runq_top(&rq), SCHED_PRIO_IDLE);
}

Test(runq, round_robin_requeue)
{
	struct runq rq;
	struct item it[3] = {{.id = 0}, {.id = 1}, {.id = 2}};
	int i, round;

	runq_init(&rq);
	for (i = 0; i < 3; i++)
		runq_add(&rq, &it[i].node, 4);
	for (round = 0; round < 9; round++) {
		struct item *x = item_of(runq_pop(&rq));

		cr_assert_eq(x->id, round % 3);
		runq_add(&rq, &x->node, 4);
	}
}

static bool allowed_on_2(struct runq_node *n, void *arg)
{
	return (item_of(n)->mask >> *(unsigned *)arg) & 1;
}

Test(runq, find_respects_predicate_and_priority)
{
	struct runq rq;
	struct item a = {.id = 1, .mask = 1}, b = {.id = 2, .mask = 4},
		    c = {.id = 3, .mask = 5}, d = {.id = 4, .mask = 1};
	unsigned cpu = 2;

	runq_init(&rq);
	runq_add(&rq, &a.node, 20);
	runq_add(&rq, &b.node, 10);
	runq_add(&rq, &c.node, 10);
	runq_add(&rq, &d.node, 30);
	cr_assert_eq(item_of(runq_find(&rq, allowed_on_2, &cpu))->id, 2);
	runq_remove(&rq, &b.node);
	cr_assert_eq(item_of(runq_find(&rq, allowed_on_2, &cpu))->id, 3);
	runq_remove(&rq, &c.node);
	cr_assert_null(runq_find(&rq, allowed_on_2, &cpu));
}

/* Random operations against a simple model: pop order always matches. */
Test(runq, random_against_model)
{
	enum { N = 200 };
	static struct item it[N];
	struct runq rq;
	uint64_t seq[N], clock = 0;
	int i, step;

	srand(12345);
	runq_init(&rq);
	for (i = 0; i < N; i++)
		it[i].id = i;
	for (step = 0; step < 20000; step++) {
		i = rand() % N;
		if (!it[i].node.queued) {
			runq_add(&rq, &it[i].node, (unsigned)(rand() % 32));
			seq[i] = clock++;
		} else if (rand() & 1) {
			runq_remove(&rq, &it[i].node);
		} else {
			int best = -1, j, top = runq_top(&rq);
			struct item *x;

			for (j = 0; j < N; j++)
				if (it[j].node.queued &&
				    (best < 0 || it[j].node.level >
							  it[best].node.level ||
				     (it[j].node.level == it[best].node.level &&
				      seq[j] < seq[best])))
					best = j;
			cr_assert_eq(top, it[best].node.level);
			x = item_of(runq_pop(&rq));
			cr_assert_eq(x->id, best);
		}
	}
}
