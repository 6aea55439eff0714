/* SPDX-License-Identifier: MIT */
/*
 * Suite "threads_many" (not in test=all): many_threads= threads alive at
 * once, each on a 4 KiB stack, all blocked on one semaphore; then released,
 * joined, and every result checked. Prints the memory each thread cost
 * (pages and heap before and after, over the count), the control block's
 * size and the time per spawn and per join.
 */
#include "guest/lib/printf.h"
#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/sched/sync.h"
#include "guest/sched/thread.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"
#include "virt.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_NUM("many_threads", 1, 1000000, 10000,
	"threads alive at once in the threads_many suite"));

static struct sem gate;
static volatile unsigned started;

static long held(void *arg)
{
	__atomic_fetch_add(&started, 1, __ATOMIC_RELAXED);
	sem_wait(&gate);
	return (long)(uintptr_t)arg * 7 + 3;
}

static uint64_t free_pages(void)
{
	struct page_stats st;

	page_get_stats(&st);
	return st.free_pages;
}

static void suite_threads_many(void)
{
	unsigned n = (unsigned)option_u64("many_threads"), spawned = 0;
	unsigned errs = 0, bad = 0, i;
	struct thread_attr a;
	struct thread_counts c0, c1;
	struct thread_handle *h;
	uint64_t free0, free1;
	uint64_t t0, t1, t2;

	h = kmalloc(sizeof(*h) * n);
	if (!h) {
		report(false, "threads_many.alive", "no memory for %u handles", n);
		return;
	}
	sem_init(&gate, 0);
	started = 0;
	thread_attr_init(&a);
	a.name = "many";
	a.stack_size = 4096;
	a.prio = SCHED_PRIO_DEFAULT - 1; /* below main: it spawns them all */
	thread_get_counts(&c0);
	free0 = free_pages();
	t0 = virt_clock_ns();
	for (i = 0; i < n; i++) {
		if (thread_spawn(held, (void *)(uintptr_t)i, &a, &h[i])) {
			errs++;
			break;
		}
		spawned++;
	}
	/* Let every one of them reach the gate: all alive and blocked. */
	while (__atomic_load_n(&started, __ATOMIC_RELAXED) < spawned)
		thread_sleep_ns(1000000);
	t1 = virt_clock_ns();
	thread_get_counts(&c1);
	free1 = free_pages();
	report(!errs && c1.alive - c0.alive == n, "threads_many.alive",
	       "%u of %u threads alive at once (%u spawn errors)",
	       c1.alive - c0.alive, n, errs);
	for (i = 0; i < spawned; i++)
		sem_post(&gate);
	for (i = 0; i < spawned; i++) {
		long r = -1;

		if (thread_join(h[i], &r) || r != (long)i * 7 + 3)
			bad++;
	}
	t2 = virt_clock_ns();
	report(!bad && spawned == n, "threads_many.joined",
	       "%u joined, %u wrong results", spawned, bad);
	if (spawned) {
		report_info("threads_many.memory", "%u threads: %lu bytes of "
			    "memory each (stack page, stack-window page tables, "
			    "control block of %zu bytes, heap)", spawned,
			    (free0 - free1) * 4096 / spawned, c1.tcb_bytes);
		report_info("threads_many.time", "%lu ns per spawn to blocked, "
			    "%lu ns per release and join", (t1 - t0) / spawned,
			    (t2 - t1) / spawned);
	}
	kfree(h);
}
SUITE_EX("threads_many", suite_threads_many, 1, false);
