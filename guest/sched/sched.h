/* SPDX-License-Identifier: MIT */
/*
 * Scheduler internals shared by the guest/sched sources: the thread
 * control block and the core operations (switch, wake, block, timers).
 * Not for callers outside guest/sched; they use thread.h and sync.h.
 */
#ifndef GUEST_SCHED_SCHED_H
#define GUEST_SCHED_SCHED_H

#include "types.h"
#include "guest/inject.h"
#include "guest/percpu.h"
#include "guest/sched/list.h"
#include "guest/sched/placement.h"
#include "guest/sched/stack.h"
#include "guest/sched/thread.h"
#include "guest/sched/sync.h"

/*
 * Life of a thread: WAKING (in flight on a wake list) -> READY (on the run
 * queue of ->cpu) -> RUNNING (current of ->cpu) -> READY (preempted,
 * yielded) or BLOCKED (waits) or DEAD (exited, killed). A waker moves
 * BLOCKED -> WAKING with a CAS, so exactly one waker wins.
 */
enum thread_state {
	THREAD_FREE,    /* control block in the pool */
	THREAD_WAKING,  /* owned by a waker / on a wake list */
	THREAD_READY,   /* on the run queue of cpu */
	THREAD_RUNNING, /* current of cpu */
	THREAD_BLOCKED, /* waiting; a sched_wake() makes it WAKING */
	THREAD_DEAD,    /* exited; reaped after its switch-out */
};

enum sched_why {
	SCHED_BLOCK,   /* current set its state to BLOCKED or DEAD */
	SCHED_YIELD,   /* current gives way to equal priority */
	SCHED_PREEMPT, /* preemption point: slice end, higher priority */
	SCHED_IDLE,    /* the idle thread found work */
};

/* A thread with this affinity may run on more than one vCPU: its run
 * queue node is "movable" (runq.h), a steal victim's candidate. */
static inline bool affinity_movable(uint64_t mask)
{
	return (mask & (mask - 1)) != 0;
}

/* What a thread has done, for thread_get_stats() and the thread table
 * (written on its own CPU while it runs or switches). */
struct thread_acct {
	uint64_t run_ns;           /* on a CPU, less steal */
	uint64_t steal_ns;         /* stolen by the hypervisor while it ran */
	uint64_t wake_lat_sum_ns;  /* wakeup-to-run latencies, summed */
	uint64_t wake_lat_max_ns;  /* and the worst */
	uint64_t wakeups;          /* wakeup-to-run samples */
	uint64_t switches_vol;     /* gave up the CPU: block, sleep, yield */
	uint64_t switches_preempt; /* preempted */
	uint64_t migrations;       /* runs on another vCPU than the last */
};

/* The control block, 256 bytes (checked below). Besides packing, each
 * field that one phase of a thread's life alone needs shares its place or
 * lives elsewhere: fn and arg on the new stack (thread_start), the switch-in
 * time in the CPU (sched_cpu.run_start), the id inside join_word, one
 * joiner pointer instead of a wait queue (one join per thread), and the
 * wake list link inside the run queue link (in flight, it is on no run
 * queue). */
struct thread {
	void *sp;                       /* saved by arch_switch (own CPU) */
	int state;                      /* enum thread_state; atomic */
	int on_cpu;                     /* atomic: registers live on a CPU */
	unsigned cpu;                   /* owner CPU: see "cpu rule" below */
	int prio;                       /* lock + rq lock of cpu */
	struct spinlock lock;           /* wake vs set_priority/affinity;
					 * joiner vs finished */
	unsigned timer_cpu;             /* CPU whose timer queue has timer */
	unsigned last_cpu;              /* vCPU it last ran on (own CPU) */
	int finished;                   /* atomic release: reaped, may join */
	struct refcount refs;           /* 1 alive + 1 handle */
	bool migrate;                   /* rq lock of cpu: move after switch */
	bool is_idle;                   /* a CPU's idle thread (never queued) */
	bool killed;                    /* set before DEAD by a fault/canary */
	uint8_t domain;                 /* its domain's slot, 0: the kernel
					 * (set at spawn, guest/domain) */
	uint64_t affinity;              /* lock + rq lock of cpu */
	union {
		struct runq_node rq_node;       /* rq lock of cpu */
		struct wakelist_node wake_node; /* in flight to cpu */
	};
	struct timerq_node timer;       /* tq_lock of timer_cpu */
	uint64_t join_word;             /* atomic: id * 2 + joined; the id is
					 * new at every reuse, 0 when free */
	long result;                    /* from its exit, before DEAD */
	struct thread *joiner;          /* lock: waits for finished, or NULL */
	struct stack stack;             /* its stack; none for idle */
	union {
		struct sched_link all_link; /* alive: threads_lock */
		struct thread *pool_next;   /* freed: the pool, tcb lock */
	};
	uint64_t wake_time;             /* waker: made runnable at, or 0 */
	struct thread_acct acct;        /* own CPU while it runs / switches */
	char name[THREAD_NAME_MAX];     /* NUL-terminated */
};
_Static_assert(sizeof(struct thread) <= 256, "thread control block");
_Static_assert(offsetof(struct runq_node, link) == 0 &&
		       sizeof(struct wakelist_node) <= sizeof(struct sched_link),
	       "the wake link overlays only the run queue link");

/* The unique id (0 for idle threads and free blocks). A plain load, so a
 * trace site's arguments stay inside its cold branch: only the joined bit
 * changes while the block is in use. */
static inline uint64_t thread_id(const struct thread *t)
{
	return t->join_word >> 1;
}
/* cpu rule: t->cpu changes only while holding the rq lock of the old
 * value, or by the waker that won BLOCKED -> WAKING (holding t->lock). */

/* sched.c */
extern uint64_t sched_slice_ns;
extern bool sched_yield_reads_clock; /* yield_clock= (idle.c) */
static inline struct sched_cpu *sched_this(void) { return &this_cpu()->sched; }
/* The calling thread. Read with IRQs off: with them on, a migration
 * between finding this CPU and reading its current would return another
 * thread. */
static inline struct thread *sched_current(void)
{
	unsigned long f = arch_irq_save();
	struct thread *t = sched_this()->current;

	arch_irq_restore(f);
	return t;
}
void sched_switch(enum sched_why why);          /* IRQs off */
void sched_yield_untimed(void);                 /* IRQs off: reads no clock */
void sched_finish_switch(void);                 /* IRQs off, new thread */
void sched_program_timer(struct sched_cpu *sc); /* IRQs off, own CPU */
void sched_preempt_check(void);                 /* thread ctx, any IRQ state */
void sched_timer_arm(struct thread *t, uint64_t deadline); /* IRQs off */
void sched_timer_cancel(struct thread *t);      /* IRQs off */
__noreturn void sched_exit_current(void);       /* IRQs off */
struct thread *sched_idle_thread(unsigned cpu);
/* The thread sched_start() made to run the job; its end ends the run. */
extern struct thread *sched_main_thread;

/* wake.c */
bool sched_wake(struct thread *t);              /* any context */
void sched_push(struct thread *t, unsigned target); /* t WAKING, off-CPU */
void sched_enqueue(struct thread *t, unsigned target); /* IRQs off, no rq lock */
unsigned sched_place_any(struct thread *t, unsigned prev);
void sched_notify(unsigned target, int prio);
void sched_send_ipis(void);                     /* any context */
/* Send the reschedule IPIs this CPU deferred, if any (any context). A
 * racy look first: ipi_pending is only set with IRQs off on its own CPU,
 * and a thread that migrates after setting it leaves it to that CPU's
 * next switch, which flushes first. */
static inline void sched_flush_ipis(void)
{
	if (READ_ONCE(sched_this()->ipi_pending))
		sched_send_ipis();
}
struct sched_cpu *sched_lock_thread_rq(struct thread *t); /* t->lock held */
/* This CPU now runs prio (IDLE: its idle thread). Rq lock held, or
 * bring-up. map_prio equals cur_prio once published, so an unchanged
 * level stores nothing: a waker that reads cur_prio sees the same value
 * either way, and the earlier seq_cst store still precedes the caller's
 * look at its wake list. */
void sched_publish_prio_change(struct sched_cpu *sc, unsigned self, int prio);
static inline void sched_publish_prio(struct sched_cpu *sc, unsigned self,
				      int prio)
{
	if (prio != sc->map_prio)
		sched_publish_prio_change(sc, self, prio);
}
/* Whoever changed sc's run queue (holding its lock) keeps its "waiting"
 * bit, the steal hint, in step: set while a thread that may run elsewhere
 * waits there (an idle CPU looking for work skips queues of pinned ones). */
void sched_set_waiting(struct sched_cpu *sc, unsigned cpu, bool waiting);
static inline void sched_rq_changed(struct sched_cpu *sc, unsigned cpu)
{
	bool waiting = sc->rq.nr_movable != 0;

	if (waiting != sc->map_waiting)
		sched_set_waiting(sc, cpu, waiting);
}
unsigned sched_cpu_load(unsigned cpu);           /* racy: ready+queued+running */
void sched_walk_cpus(void);                      /* INJECT_WALK_CPUS only */
/* Where t should run (wake.c): prev when t is pinned there, without a
 * look at any other CPU. */
static inline unsigned sched_place(struct thread *t, unsigned prev)
{
	if (inject_on(INJECT_WALK_CPUS)) /* broken on purpose */
		sched_walk_cpus();
	if (t->affinity == 1ull << prev)
		return prev;
	return sched_place_any(t, prev);
}
unsigned sched_next_in_turn(uint64_t mask);      /* own CPU, IRQs off */
unsigned sched_first_unqueued(uint64_t cand);    /* own CPU, IRQs off */
extern struct cpumap sched_map;
int sched_set_prio(struct thread *t, int prio);
int sched_set_affinity(struct thread *t, uint64_t mask);

/* idle.c */
void sched_balance(struct sched_cpu *sc, unsigned self); /* IRQs off, no lock */

/* thread.c */
void thread_reap(struct thread *t);             /* IRQs off, after switch */
struct thread *thread_from_handle(struct thread_handle h);
/* thread_spawn() of a thread of domain slot domain (0: a kernel thread;
 * guest/domain spawns the others). */
int thread_spawn_in(unsigned domain, long (*fn)(void *), void *arg,
		    const struct thread_attr *attr, struct thread_handle *out);
void thread_registry_lock(void);
void thread_registry_unlock(void);
struct thread *thread_registry_next(struct thread *prev);

#endif
