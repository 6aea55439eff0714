/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU scheduler state embedded in struct cpu. Owned by guest/sched.
 * Each field names what protects it. "own" = written only by this CPU
 * with IRQs off (its IRQ handlers included).
 */
#ifndef GUEST_SCHED_CPU_H
#define GUEST_SCHED_CPU_H

#include "types.h"
#include "guest/spinlock.h"
#include "guest/sched/runq.h"
#include "guest/sched/timerq.h"
#include "guest/sched/wakelist.h"

struct thread;

struct sched_cpu {
	struct spinlock lock;     /* run-queue lock; held across arch_switch */
	struct runq rq;           /* lock; rq.nr read racily for placement */
	struct thread *current;   /* lock to write; read by own CPU */
	struct thread *idle;      /* own, set once by sched_cpu_enter() */
	struct thread *prev;      /* lock: thread being switched out */
	struct wakelist wake;     /* lock-free: threads pushed to this CPU */
	unsigned queued;          /* atomic: pushed to wake, not yet drained */
	bool enqueued;            /* lock to write, racy read: a local wakeup
				   * since the last switch (placement counts
				   * it as queued) */
	int cur_prio;             /* atomic seq_cst: current's prio or IDLE */
	bool polling;             /* atomic seq_cst: idle loop polls wake */
	int map_prio;             /* lock: this CPU's level in sched_map */
	bool map_waiting;         /* lock: its "waiting" bit in sched_map */
	unsigned place_cursor;    /* own: sched_place()'s round robin */
	unsigned walk_sink;       /* own: INJECT_WALK_CPUS's result */
	bool need_resched;        /* own: switch at the next preemption point */
	uint64_t ipi_pending;     /* own: reschedule IPIs to send once the
				   * caller's locks are dropped */
	bool started;             /* own: this CPU runs the scheduler */
	uint64_t run_start;       /* own: when current was switched in */
	uint64_t slice_end;       /* own: when current's time slice ends */
	bool slice_renewed;       /* own: slice_end was pushed back once
				   * for a stall (sched_timer_interrupt) */
	uint64_t steal_run;       /* own: steal counter at current's
				   * switch-in (virt_steal_ns) */
	uint64_t steal_slice;     /* own: steal already added to slice_end */
	uint64_t armed;           /* own: deadline programmed in the timer */
	struct spinlock tq_lock;  /* protects tq, tq_min */
	struct timerq tq;         /* tq_lock: sleepers that blocked here */
	uint64_t tq_min;          /* tq_lock to write, atomic read: earliest */
	/* Statistics, own CPU (read racily by the table printer). */
	uint64_t nr_switches;     /* context switches on this CPU */
	uint64_t nr_steals;       /* threads this CPU stole */
	uint64_t nr_pushes;       /* threads it gave away at a slice end */
	uint64_t nr_ipis;         /* reschedule IPIs this CPU sent */
	uint64_t nr_timer;        /* scheduler timer interrupts */
	uint64_t nr_pv_moves;     /* wakeups it placed on a running idle vCPU
				   * instead of a stopped one */
	uint64_t nr_pv_chances;   /* wakeups whose vCPU it found stopped,
				   * with other idle vCPUs allowed */
	uint64_t nr_pv_steals;    /* threads it stole from a stopped vCPU */
	uint64_t idle_ns;         /* time in the idle thread */
	uint64_t idle_since;      /* own: when idle last started */
};

#endif
