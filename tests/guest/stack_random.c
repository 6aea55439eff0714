/* SPDX-License-Identifier: MIT */
/*
 * Suite "stack_random": each thread's stack starts a random 16-byte step
 * below its top (guest/sched/stack.c, seed= and stack_random=).
 * - stack_random.in_stack: every thread ran, its frame inside its own
 *   stack, below the top by at least the offset.
 * - stack_random.varies: 32 threads with 4 KiB stacks (5 bits: 32
 *   positions) start at 8 or more depths (expected about 20; fewer than
 *   8 has odds below 1e-9); with stack_random=off, all at one depth.
 * The layout line (INFO stack_random.layout) lists the first 8 depths:
 * tests/hostkit compares it across boots (two boots differ, two with the
 * same seed= agree).
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/lib/random.h"
#include "guest/options.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

#define N 32

struct probe {
	uintptr_t base, top, frame;
};

static long probe_fn(void *arg)
{
	struct probe *p = arg;
	struct thread *t = sched_current();

	p->base = stack_base(&t->stack);
	p->top = (uintptr_t)stack_top(&t->stack);
	p->frame = (uintptr_t)__builtin_frame_address(0);
	return 0;
}

static void suite_stack_random(void)
{
	static struct probe p[N];
	struct thread_attr a = THREAD_ATTR_INIT;
	uintptr_t depth[N];
	unsigned bad = 0, distinct = 0;
	bool on = stack_random_bits(1) > 0;
	char line[160];
	int len = 0;

	a.name = "stack-probe";
	a.stack_size = PAGE_SIZE;
	a.affinity = 1; /* one vCPU, one order: ids in sequence */
	for (unsigned i = 0; i < N; i++) {
		struct thread_handle h;
		long rc = -1;

		p[i] = (struct probe){0};
		if (thread_spawn(probe_fn, &p[i], &a, &h) == 0)
			thread_join(h, &rc);
		depth[i] = p[i].top - p[i].frame;
		bad += rc != 0 || p[i].frame <= p[i].base ||
		       p[i].frame >= p[i].top;
	}
	report(!bad, "stack_random.in_stack", "%u of %u threads did not run "
	       "inside their own stack", bad, N);
	for (unsigned i = 0; i < N; i++) {
		unsigned j = 0;

		while (j < i && depth[j] != depth[i])
			j++;
		distinct += j == i;
	}
	for (unsigned i = 0; i < 8; i++)
		len += ksnprintf(line + len, sizeof(line) - len, "%s%lu",
				 i ? " " : "", depth[i]);
	report_info("stack_random.layout", "seed from %s, %s: depths of the "
		    "first 8 frames below their stack tops: %s", random_source,
		    on ? "on" : "off", line);
	if (on)
		report(distinct >= 8, "stack_random.varies", "%u distinct "
		       "starting depths in %u stacks of 4 KiB (5 bits)",
		       distinct, N);
	else
		report(distinct == 1, "stack_random.varies", "stack_random=off,"
		       " yet %u distinct starting depths in %u stacks", distinct,
		       N);
}
SUITE("stack_random", suite_stack_random);
