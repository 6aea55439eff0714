/* SPDX-License-Identifier: MIT */
/*
 * Suite "trace": a small mixed workload for the event trace (guest/trace.h)
 * to record, and the checks the guest can make of its own rings. Booted
 * with trace=on by make tracetest, whose tools/trace --check then holds
 * the dump to the trace's invariants and to the scheduler's counts. Not
 * part of test=all.
 */
#include "guest/percpu.h"
#include "guest/test.h"
#include "guest/trace.h"
#include "tests/guest/sched_util.h"

#define RING 6      /* threads passing a token around, over every vCPU */
#define ROUNDS 40

static struct {
	struct sem token[RING];
	struct mutex m;
	unsigned long shared; /* under m */
} w;

/* Thread i waits for the token, takes the mutex, passes the token on
 * (a wakeup, often on another vCPU), sometimes sleeps or yields. */
static long member(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;
	long sum = 0;

	for (unsigned r = 0; r < ROUNDS; r++) {
		sem_wait(&w.token[i]);
		mutex_lock(&w.m);
		w.shared++;
		sum += (long)w.shared;
		mutex_unlock(&w.m);
		sem_post(&w.token[(i + 1) % RING]);
		if (r % 8 == i % 8)
			thread_sleep_ns(50 * US);
		else if (r % 3 == 0)
			thread_yield();
	}
	return sum;
}

/* Four threads contend for the mutex without the token. */
static long contender(void *arg)
{
	for (unsigned r = 0; r < ROUNDS; r++) {
		mutex_lock(&w.m);
		w.shared++;
		st_spin_ns(2 * US);
		mutex_unlock(&w.m);
	}
	return (long)(uintptr_t)arg;
}

static void workload(void)
{
	struct thread_handle h[RING + 4];
	unsigned n = cpu_count();
	long res, bad = 0;

	mutex_init(&w.m);
	w.shared = 0;
	for (unsigned i = 0; i < RING; i++)
		sem_init(&w.token[i], i == 0);
	for (unsigned i = 0; i < RING; i++)
		st_spawn(member, (void *)(uintptr_t)i, "ring",
			 SCHED_PRIO_DEFAULT, 1ull << (i % n), &h[i]);
	for (unsigned i = 0; i < 4; i++)
		st_spawn(contender, (void *)(uintptr_t)(i + 100), "contender",
			 SCHED_PRIO_DEFAULT, 0, &h[RING + i]);
	for (unsigned i = 0; i < RING + 4; i++)
		if (thread_join(h[i], &res) ||
		    (i >= RING && res != i - RING + 100))
			bad++;
	report(!bad && w.shared == (RING + 4) * ROUNDS, "trace.workload",
	       "%ld joins failed, %lu increments of %u", bad, w.shared,
	       (RING + 4) * ROUNDS);
}

/* With trace= the rings hold the workload's events; without it nothing
 * is written (the jump sites stayed nops). */
static void counts(void)
{
	struct trace_counts c;

	trace_get_counts(&c);
	if (!trace_mask) {
		report(c.written == 0, "trace.off_writes_nothing",
		       "%lu events written with tracing off", c.written);
		return;
	}
	report(c.written > 0 && c.per_cpu > 0, "trace.recorded",
	       "%lu events in rings of %u", c.written, c.per_cpu);
	report_info("trace.recorded", "%lu events written, %lu overwritten, "
		    "rings of %u events", c.written, c.lost, c.per_cpu);
}

static void suite_trace(void)
{
	workload();
	counts();
}
SUITE_EX("trace", suite_trace, 1, false);
