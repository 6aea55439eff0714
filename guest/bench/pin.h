/* SPDX-License-Identifier: MIT */
/* Running benchmark bodies in threads pinned to one vCPU. */
#ifndef GUEST_BENCH_PIN_H
#define GUEST_BENCH_PIN_H

#include "types.h"
#include "guest/sched/thread.h"

/* Spawn fn(arg) on vCPU cpu at priority prio; 0 or -errno. */
int bench_spawn(unsigned cpu, int prio, long (*fn)(void *), void *arg,
		struct thread_handle *h);
/* Raise the caller above the benchmark threads while it spawns them
 * (sched_benches.c says why); returns its priority, to set back. */
int bench_boost_self(void);
/* Run body(arg) in a high-priority thread pinned to cpu and wait for it. */
void bench_on_cpu(unsigned cpu, void (*body)(void *), void *arg);

#endif
