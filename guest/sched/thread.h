/* SPDX-License-Identifier: MIT */
/*
 * The thread API: spawn, join, exit, yield, sleep, priority, affinity,
 * statistics. Errors are negative errno values; bad arguments never panic.
 * Call from thread context (not from IRQ handlers) unless noted.
 */
#ifndef GUEST_SCHED_THREAD_H
#define GUEST_SCHED_THREAD_H

#include "types.h"
#include "guest/sched/prio.h"

#define THREAD_NAME_MAX 24                /* bytes, with the NUL */
#define THREAD_STACK_MIN PAGE_SIZE        /* 4 KiB */
#define THREAD_STACK_MAX (256 * 1024)     /* 256 KiB */
#define THREAD_STACK_DEFAULT (16 * 1024)  /* attr stack_size 0 */
#define THREAD_AFFINITY_ALL (~0ull)       /* every vCPU, whatever the count */

/* Priorities: SCHED_PRIO_MIN (0) .. SCHED_PRIO_MAX (31), higher runs
 * first; SCHED_PRIO_DEFAULT (8). Affinity: bit n = vCPU n may run it. */
struct thread_attr {
	const char *name;   /* copied (truncated); NULL = "thread" */
	size_t stack_size;  /* bytes, rounded up to pages; 0 = default */
	int prio;           /* SCHED_PRIO_MIN..SCHED_PRIO_MAX */
	uint64_t affinity;  /* non-empty subset of present vCPUs, or _ALL */
};

#define THREAD_ATTR_INIT                                                   \
	{ .name = NULL, .stack_size = 0, .prio = SCHED_PRIO_DEFAULT,       \
	  .affinity = THREAD_AFFINITY_ALL }

/* A thread's name for join and friends: stays safe to use after the
 * thread is gone (then calls return -ESRCH). */
struct thread_handle {
	struct thread *t; /* control block (recycled, never unmapped) */
	uint64_t id;      /* unique id; a recycled block has a new one */
};

struct thread_stats {
	uint64_t id;              /* unique thread id */
	uint64_t switches_vol;    /* gave up the CPU: block, sleep, yield */
	uint64_t switches_preempt;/* preempted: slice end, higher priority */
	uint64_t run_ns;          /* time on a CPU, up to its last switch,
				   * less steal */
	uint64_t steal_ns;        /* stolen from it by the hypervisor: its
				   * vCPU was stopped while it ran */
	uint64_t wakeups;         /* wakeup-to-run samples */
	uint64_t wake_lat_sum_ns; /* sum of wakeup-to-run latencies */
	uint64_t wake_lat_max_ns; /* worst wakeup-to-run latency */
	uint64_t migrations;      /* runs on a different vCPU than before */
	unsigned last_cpu;        /* vCPU it last ran on */
	int prio;                 /* current priority */
	int state;                /* enum thread_state (guest/sched/sched.h) */
};

void thread_attr_init(struct thread_attr *a);
/* Start fn(arg) as a new thread. attr NULL = defaults. 0, -EINVAL (bad
 * priority, empty or out-of-range affinity, stack size out of range, NULL
 * fn/out), -ENOMEM. Any thread may join it, exactly once. On failure *out
 * is the null handle: joining it returns -EINVAL. */
int thread_spawn(long (*fn)(void *), void *arg, const struct thread_attr *attr,
		 struct thread_handle *out);
/* Wait for h to finish; *result (if non-NULL) = its return value.
 * 0; -EOWNERDEAD if it was killed (fault, stack overflow); -EINVAL if
 * already joined (or being joined); -ESRCH if stale; -EDEADLK on self. */
int thread_join(struct thread_handle h, long *result);
bool thread_is_finished(struct thread_handle h);
struct thread_handle thread_self(void);
__noreturn void thread_exit(long result);
void thread_yield(void);
/* Sleep at least ns / until the clock reaches deadline (virt_clock_ns).
 * Return 0. */
int thread_sleep_ns(uint64_t ns);
int thread_sleep_until(uint64_t deadline_ns);
/* 0, -EINVAL (bad prio / mask), -ESRCH (finished or stale). Setting the
 * caller's own affinity returns on an allowed vCPU; another running
 * thread is moved at its vCPU's next reschedule (an IPI is sent). */
int thread_set_priority(struct thread_handle h, int prio);
int thread_get_priority(struct thread_handle h);
int thread_set_affinity(struct thread_handle h, uint64_t mask);
int thread_get_stats(struct thread_handle h, struct thread_stats *out);
const char *thread_name(struct thread_handle h);
unsigned thread_cpu(void); /* vCPU the caller runs on now */
uint64_t thread_slice_ns(void); /* the round-robin time slice (slice_us=) */

/* Global counters (statistics and tests). */
struct thread_counts {
	uint64_t spawned;    /* successful thread_spawn() calls */
	uint64_t joined;     /* successful thread_join() calls */
	uint64_t killed;     /* threads killed by a fault or bad canary */
	unsigned alive;      /* spawned and not yet finished */
	unsigned alive_max;  /* most alive at once since boot */
	size_t tcb_bytes;    /* sizeof(struct thread) */
};
void thread_get_counts(struct thread_counts *c);

/* Check the run queues of all vCPUs under their locks: one current per
 * thread, queued threads READY/affine/off-CPU, counts and bitmap right.
 * 0, or -EINVAL with the first problem in why. */
int sched_check_invariants(char *why, size_t len);

/* Print every thread with its statistics, then per-vCPU counters. */
void sched_print_threads(void);
/* Run a short mixed workload and print the table while it runs. */
void sched_demo(void);

#endif
