/* SPDX-License-Identifier: MIT */
/* Host tests of the per-CPU timer queue (pairing heap of deadlines). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "guest/sched/timerq.h"

Test(timerq, empty)
{
	struct timerq q;

	timerq_init(&q);
	cr_assert_eq(timerq_next(&q), UINT64_MAX);
	cr_assert_null(timerq_pop_expired(&q, UINT64_MAX));
}

Test(timerq, pops_in_deadline_order_only_when_expired)
{
	struct timerq q;
	struct timerq_node n[5];
	uint64_t d[5] = {50, 10, 40, 20, 30};
	int i;

	timerq_init(&q);
	for (i = 0; i < 5; i++)
		timerq_insert(&q, &n[i], d[i]);
	cr_assert_eq(timerq_next(&q), 10);
	cr_assert_null(timerq_pop_expired(&q, 9));
	for (i = 1; i <= 5; i++) {
		struct timerq_node *x = timerq_pop_expired(&q, 100);

		cr_assert_not_null(x);
		cr_assert_eq(x->deadline, (uint64_t)i * 10);
		cr_assert(!timerq_queued(&q, x));
	}
	cr_assert_eq(q.nr, 0);
}

Test(timerq, remove_arbitrary)
{
	struct timerq q;
	struct timerq_node n[4];
	int i;

	timerq_init(&q);
	for (i = 0; i < 4; i++)
		timerq_insert(&q, &n[i], (uint64_t)(i + 1) * 10);
	cr_assert(timerq_queued(&q, &n[2]));
	cr_assert(timerq_remove(&q, &n[2]));
	cr_assert(!timerq_queued(&q, &n[2]));
	cr_assert(!timerq_remove(&q, &n[2]));
	cr_assert(timerq_remove(&q, &n[0])); /* the root */
	cr_assert_eq(timerq_next(&q), 20);
	cr_assert_eq(timerq_pop_expired(&q, 99), &n[1]);
	cr_assert_eq(timerq_pop_expired(&q, 99), &n[3]);
	cr_assert_null(timerq_pop_expired(&q, 99));
}

Test(timerq, equal_deadlines)
{
	struct timerq q;
	struct timerq_node n[8];
	int i;

	timerq_init(&q);
	for (i = 0; i < 8; i++)
		timerq_insert(&q, &n[i], 7);
	for (i = 0; i < 8; i++)
		cr_assert_not_null(timerq_pop_expired(&q, 7));
	cr_assert_eq(q.nr, 0);
}

/* Random inserts, removes and pops against a brute-force model. */
Test(timerq, random_against_model)
{
	enum { N = 300 };
	static struct timerq_node n[N];
	static bool in[N]; /* the model: n[i] is queued */
	struct timerq q;
	int i, step;

	srand(777);
	timerq_init(&q);
	for (step = 0; step < 50000; step++) {
		int op = rand() % 3;

		i = rand() % N;
		if (op == 0 && !in[i]) {
			timerq_insert(&q, &n[i], (uint64_t)(rand() % 1000));
			in[i] = true;
		} else if (op == 1) {
			cr_assert_eq(timerq_remove(&q, &n[i]), in[i]);
			in[i] = false;
		} else {
			uint64_t min = UINT64_MAX, now = (uint64_t)(rand() % 1000);
			unsigned cnt = 0;
			struct timerq_node *x;
			int j;

			for (j = 0; j < N; j++) {
				cr_assert_eq(timerq_queued(&q, &n[j]), in[j]);
				if (in[j]) {
					cnt++;
					if (n[j].deadline < min)
						min = n[j].deadline;
				}
			}
			cr_assert_eq(q.nr, cnt);
			cr_assert_eq(timerq_next(&q), min);
			x = timerq_pop_expired(&q, now);
			if (min <= now) {
				cr_assert(x && x->deadline == min);
				in[x - n] = false;
			} else
				cr_assert_null(x);
		}
	}
}
