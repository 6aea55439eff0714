/* SPDX-License-Identifier: MIT */
/*
 * The scheduler core: the one switch path (pick, requeue, switch, finish),
 * preemption points, time slices and the one-shot timer, sleep timers,
 * and the hooks the IRQ layer calls. Remote wakeups and placement live in
 * wake.c, the idle loop and bring-up in idle.c.
 *
 * Locking: a CPU's rq lock (sched_cpu.lock) is held from the pick across
 * arch_switch() and released by the thread switched to, in
 * sched_finish_switch(); a thread being switched out cannot be stolen or
 * run elsewhere before its registers are saved. Order: waitq/object lock
 * (a dying thread's lock, for its joiner) -> tq_lock -> thread lock -> rq
 * lock. Nobody spins on a second rq lock while holding one, and every rq
 * lock is held with IRQs off (an interrupt's local wakeup takes its own
 * CPU's).
 */
#include "arch.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/kernel.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/sched/placement.h"
#include "guest/domain/domain.h"
#include "guest/sched/sched.h"
#include "guest/trace.h"
#include "guest/audit.h"

uint64_t sched_slice_ns = 2000000;   /* slice_us=, default 2000 us */
bool sched_yield_reads_clock = true; /* yield_clock= */

static struct thread *rq_thread(struct runq_node *n)
{
	return container_of(n, struct thread, rq_node);
}

/* Arm the one-shot for the next event: the earliest sleeper here, or the
 * end of current's slice. A deadline already armed earlier is kept (its
 * interrupt re-arms for the real event) and nothing is ever disarmed, so a
 * switch rarely costs a timer write; an idle CPU may take one spurious
 * interrupt. armed is VIRT_NO_DEADLINE (UINT64_MAX) when nothing is. */
void sched_program_timer(struct sched_cpu *sc)
{
	uint64_t d = __atomic_load_n(&sc->tq_min, __ATOMIC_RELAXED);

	if (this_cpu()->timer_hook) { /* a raw timer test owns the timer */
		sc->armed = VIRT_NO_DEADLINE;
		return;
	}
	if (!sc->current->is_idle && sc->slice_end < d)
		d = sc->slice_end;
	if (sc->armed <= d)
		return;
	sc->armed = d;
	if (inject_on(INJECT_TIMER_LATE) && d != VIRT_NO_DEADLINE)
		d += 4 * sched_slice_ns; /* far past any host noise */
	virt_set_deadline(d);
}

/* Move every thread pushed to this CPU onto its run queue (lock held). */
static __attribute__((noinline)) void drain_wakelist_all(struct sched_cpu *sc,
							 unsigned self)
{
	struct wakelist_node *n, *next;

	n = wakelist_take_all(&sc->wake);

	for (; n; n = next) {
		struct thread *t = container_of(n, struct thread, wake_node);

		next = n->next;
		__atomic_fetch_sub(&sc->queued, 1, __ATOMIC_RELAXED);
		if (!((t->affinity >> self) & 1)) {
			/* set_affinity() changed the mask in flight. */
			unsigned to = sched_place(t, self);

			trace(TR_MIGRATE, (uint32_t)thread_id(t), self, to);
			sched_push(t, to);
			continue;
		}
		__atomic_store_n(&t->state, THREAD_READY, __ATOMIC_RELAXED);
		runq_add(&sc->rq, &t->rq_node, (unsigned)t->prio);
	}
}

static inline void drain_wakelist(struct sched_cpu *sc, unsigned self)
{
	WRITE_ONCE(sc->enqueued, false); /* this switch picks among them */
	if (!wakelist_empty(&sc->wake)) /* the usual case: no exchange */
		drain_wakelist_all(sc, self);
}

/* Who runs next (lock held, no side effects): prev stays if runnable here
 * and nothing better waits; equal priority takes turns on yield and at
 * slice end. */
static struct thread *choose_next(struct sched_cpu *sc, struct thread *prev,
				  enum sched_why why, unsigned self,
				  uint64_t now)
{
	int top = runq_top(&sc->rq);
	struct thread *head = top < 0 ? sc->idle
				      : rq_thread(container_of(
						sc->rq.level[top].head,
						struct runq_node, link));
	bool keep = !prev->is_idle &&
		    __atomic_load_n(&prev->state, __ATOMIC_RELAXED) ==
			    THREAD_RUNNING &&
		    ((prev->affinity >> self) & 1);

	if (!keep || top > prev->prio)
		return head;
	if (top < prev->prio)
		return prev;
	if (why == SCHED_YIELD && !inject_on(INJECT_NO_ALTERNATE))
		return head;
	return now >= sc->slice_end && !inject_on(INJECT_NO_SLICE) ? head
								   : prev;
}

/* prev's canary is gone: a running or exiting thread is killed; a waiting
 * one cannot be unhooked from its wait object, so it is only reported.
 * Out of line: the switch path keeps its registers for itself. */
static __attribute__((cold, noinline)) void canary_smashed(struct thread *prev,
							  unsigned self)
{
	int state = __atomic_load_n(&prev->state, __ATOMIC_RELAXED);
	bool kill = state == THREAD_RUNNING || state == THREAD_DEAD;
	const char *what = kill ? "killed" : "left waiting";
	uintptr_t base = stack_base(&prev->stack);
	uint64_t id = thread_id(prev);

	kprintf("sched: thread '%s' (id %lu) on vCPU %u: stack canary "
		"overwritten at 0x%lx (%s)\n", prev->name, id, self, base, what);
	audit(AUDIT_CANARY, "stack canary of '%s' (id %lu) overwritten at "
	      "0x%lx: %s", prev->name, id, base, what);
	if (kill) {
		trace(TR_EXIT, (uint32_t)id, 1, 0);
		prev->killed = true;
		__atomic_store_n(&prev->state, THREAD_DEAD, __ATOMIC_RELAXED);
	}
}

/* The canary at the stack limit, on every switch out (lock held; an idle
 * thread has no stack, a killed one was reported). */
static inline void check_canary(struct thread *prev, unsigned self)
{
	if (__builtin_expect(!stack_canary_ok(&prev->stack), 0) &&
	    !prev->killed)
		canary_smashed(prev, self);
}

/* Stolen from this vCPU since the reading from, up to the reading steal
 * (both virt_steal_ns(self)); 0 when steal time went off in between. */
static inline uint64_t stolen_since(uint64_t from, uint64_t steal)
{
	return steal > from ? steal - from : 0;
}

/* A slice is run time: what was stolen since it began moves its end back
 * (steal, this vCPU's counter now). Before every decision that reads
 * slice_end; one compare where the backend keeps no record. */
static inline void slice_add_steal(struct sched_cpu *sc, uint64_t steal)
{
	if (__builtin_expect(steal != sc->steal_slice, 0) &&
	    !inject_on(INJECT_STEAL_CHARGED)) {
		sc->slice_end += stolen_since(sc->steal_slice, steal);
		sc->steal_slice = steal;
	}
}

/* The time part of a switch (lock held): prev's run since the last
 * reading, less what the hypervisor stole from this vCPU meanwhile (prev's
 * steal, not its run time); next's wakeup latency; a new slice. */
static void account_switch(struct sched_cpu *sc, struct thread *prev,
			   struct thread *next, uint64_t now, uint64_t steal)
{
	uint64_t ran = now - sc->run_start;

	if (__builtin_expect(steal != sc->steal_run, 0)) {
		uint64_t stolen = MIN(stolen_since(sc->steal_run, steal), ran);

		ran -= stolen;
		prev->acct.steal_ns += stolen;
	}
	prev->acct.run_ns += ran;
	sc->run_start = now;
	if (next->wake_time) {
		uint64_t lat = now > next->wake_time ? now - next->wake_time : 0;

		next->acct.wakeups++;
		next->acct.wake_lat_sum_ns += lat;
		if (lat > next->acct.wake_lat_max_ns)
			next->acct.wake_lat_max_ns = lat;
		if (jump_alert_on())
			audit_wake_late(thread_id(next), lat);
		next->wake_time = 0;
	}
	sc->slice_end = now + sched_slice_ns;
	sc->slice_renewed = false;
	sc->steal_run = steal;
	sc->steal_slice = steal;
}

/* Decide where prev goes (lock held). */
static void put_prev(struct sched_cpu *sc, struct thread *prev,
		     enum sched_why why, unsigned self)
{
	int state = __atomic_load_n(&prev->state, __ATOMIC_RELAXED);

	if (prev->is_idle)
		return;
	if (state == THREAD_RUNNING && why != SCHED_YIELD)
		prev->acct.switches_preempt++;
	else
		prev->acct.switches_vol++;
	if (state != THREAD_RUNNING)
		return;
	if ((prev->affinity >> self) & 1) {
		__atomic_store_n(&prev->state, THREAD_READY, __ATOMIC_RELAXED);
		runq_add(&sc->rq, &prev->rq_node, (unsigned)prev->prio);
	} else {
		/* Pushed elsewhere in sched_finish_switch(), once off-CPU. */
		__atomic_store_n(&prev->state, THREAD_WAKING, __ATOMIC_RELAXED);
		prev->migrate = true;
	}
}

static void put_next(struct sched_cpu *sc, struct thread *next,
		     unsigned self)
{
	if (!next->is_idle)
		runq_remove(&sc->rq, &next->rq_node);
	__atomic_store_n(&next->state, THREAD_RUNNING, __ATOMIC_RELAXED);
	__atomic_store_n(&next->on_cpu, 1, __ATOMIC_RELAXED);
	if (next->last_cpu != self)
		next->acct.migrations++;
	next->last_cpu = self;
}

/* The best thread left waiting here may run now on a CPU busy with lower
 * priority work, or idle: push it there (lock held). If it waits behind a
 * higher priority, a CPU running its own priority will do too (it takes
 * turns there at slice ends; here it might never run). A few mask loads
 * from the CPU map, however many CPUs. prev, still on this CPU's stack,
 * is moved after its switch-out (migrate). Pushes cannot bounce: each
 * goes to strictly lower priority, or to equal priority away from higher,
 * and no push goes to a CPU running higher priority. */
static void push_top(struct sched_cpu *sc, unsigned self)
{
	int top = runq_top(&sc->rq), limit;
	struct thread *t;
	uint64_t cand;
	unsigned target;

	if (top < 0)
		return;
	t = rq_thread(container_of(sc->rq.level[top].head, struct runq_node,
				   link));
	limit = t->prio;
	cand = t->affinity & ~(1ull << self);
	/* Behind higher priority here it may wait forever: then a CPU
	 * taking turns at its own priority will do too. */
	if (__atomic_load_n(&sc->cur_prio, __ATOMIC_RELAXED) > t->prio)
		limit = t->prio + 1;
	if (!cand || !(cand = placement_below(&sched_map, cand, limit)))
		return;
	target = sched_first_unqueued(cand);
	if (target == PLACEMENT_NONE)
		return;
	runq_remove(&sc->rq, &t->rq_node);
	__atomic_store_n(&t->state, THREAD_WAKING, __ATOMIC_RELAXED);
	if (__atomic_load_n(&t->on_cpu, __ATOMIC_RELAXED))
		t->migrate = true; /* prev: pushed by sched_finish_switch() */
	else {
		trace(TR_PUSH, (uint32_t)thread_id(t), self, target);
		sched_push(t, target); /* cpu rule: we hold its rq lock */
	}
}

/* Only a thread that may run elsewhere can be pushed (lock held). */
static inline void push_waiting(struct sched_cpu *sc, unsigned self)
{
	if (inject_on(INJECT_WALK_CPUS)) /* broken on purpose */
		sched_walk_cpus();
	if (sc->rq.nr_movable)
		push_top(sc, self);
}

/* Drain pushed wakeups and choose next (lock held). The seq_cst store of
 * cur_prio then the seq_cst load of the wake list pair with
 * sched_notify()'s push then cur_prio load: a waker IPIs us, or we see its
 * push here and choose again. */
static struct thread *pick_next(struct sched_cpu *sc, struct thread *prev,
				enum sched_why why, unsigned self, uint64_t now)
{
	struct thread *next;

	do {
		drain_wakelist(sc, self);
		next = choose_next(sc, prev, why, self, now);
		sched_publish_prio(sc, self,
				   next->is_idle ? SCHED_PRIO_IDLE : next->prio);
	} while (!wakelist_empty(&sc->wake));
	return next;
}

/* First thing after arch_switch() lands, in the thread switched to (IRQs
 * off, rq lock of this CPU held since the pick). Inline in the switch
 * path; a new thread's first code calls sched_finish_switch(). */
static __always_inline void finish_switch(void)
{
	struct sched_cpu *sc = sched_this();
	struct thread *prev = sc->prev;
	bool dead = __atomic_load_n(&prev->state, __ATOMIC_RELAXED) ==
		    THREAD_DEAD;
	bool migrate = prev->migrate;

	sc->prev = NULL;
	prev->migrate = false;
	/* Release: prev's registers and sp are saved. Pairs with the acquire
	 * spin on on_cpu in sched_wake(): no CPU resumes prev before this. */
	__atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE);
	if (migrate) { /* cpu rule: we hold the rq lock of prev->cpu */
		unsigned self = this_cpu()->id, to = sched_place(prev, self);

		trace(TR_MIGRATE, (uint32_t)thread_id(prev), self, to);
		sched_push(prev, to);
	}
	spin_unlock(&sc->lock);
	if (dead)
		thread_reap(prev);
	sched_program_timer(sc);
	sched_flush_ipis();
}

void sched_finish_switch(void)
{
	finish_switch();
}

/* The switch seal (include/arch.h): set by sched_init(), before the first
 * switch. It covers the innermost return address only (the one
 * arch_switch() returns to), checked here before the switch: the frames
 * above it and the other saved registers are not sealed. */
uint64_t arch_switch_key;

/* The seal and the return address in the frame a switched-out thread's
 * sp points at. */
static inline const uint64_t *switch_seal_of(const void *sp)
{
	return (const uint64_t *)((const char *)sp + ARCH_SWITCH_SEAL_OFF);
}
static inline const uint64_t *switch_ret_of(const void *sp)
{
	return (const uint64_t *)((const char *)sp + ARCH_SWITCH_RET_OFF);
}

static inline bool switch_frame_sealed(const void *sp)
{
	return *switch_seal_of(sp) == arch_switch_seal(*switch_ret_of(sp),
						       switch_seal_of(sp));
}

/* next's frame lost its seal: something overwrote the return address of
 * a switched-out thread, in memory no code of that thread was running on.
 * Nothing may return to it, and the thread cannot be killed safely: it
 * may still be linked into a wait queue or a joinee through a waiter on
 * its own stack, which only its own code (past that return address)
 * unlinks. Kernel memory is corrupted: stop, saying where. */
static __attribute__((cold, noinline, noreturn)) void
switch_seal_broken(struct thread *next)
{
	const uint64_t *seal = switch_seal_of(next->sp);
	const uint64_t *ret = switch_ret_of(next->sp);

	audit(AUDIT_FAULT, "control flow: the saved return address of '%s' "
	      "(id %lu) overwritten with 0x%lx", next->name, thread_id(next), *ret);
	/* The seal is its own inverse: sealing it again gives the address. */
	panic("control flow: thread '%s' (id %lu) was switched out with its "
	      "return address at 0x%lx sealed; it now reads 0x%lx (seal 0x%lx, "
	      "which stands for 0x%lx): kernel memory was overwritten",
	      next->name, thread_id(next), (uintptr_t)ret, *ret, *seal,
	      arch_switch_seal(*seal, seal));
}

/*
 * The one switch path. IRQs off; the caller set current's state (RUNNING
 * to yield or be preempted, BLOCKED or DEAD to leave the CPU).
 *
 * A yield decides by priority alone, so where reading the clock traps to
 * the hypervisor (yield_clock=, sched_yield_reads_clock) it reads none
 * (sched_yield_untimed): the run time goes to whoever runs at the next
 * reading (a preemption, a block, a timer interrupt), as a tick would
 * charge it, and the thread yielded to runs out the slice under way. Only
 * a thread woken and not yet run makes it read the clock, for its wakeup
 * latency. Inlined twice, so the other switches test nothing for it.
 */
static __always_inline void switch_to_next(enum sched_why why,
					   const bool untimed_yield)
{
	struct sched_cpu *sc;
	struct thread *prev, *next;
	unsigned self;
	uint64_t now, steal;
	bool timed;

	do {
		sched_flush_ipis();
		sc = sched_this();
		self = this_cpu()->id;
		prev = sc->current;
		spin_lock(&sc->lock);
		sc->need_resched = false;
		timed = !(untimed_yield && why == SCHED_YIELD);
		now = timed || inject_on(INJECT_YIELD_READS_CLOCK)
			      ? virt_clock_ns() /* broken on purpose: read */
			      : 0;
		steal = virt_steal_ns(self);
		slice_add_steal(sc, steal);
		check_canary(prev, self);
		next = pick_next(sc, prev, why, self, now);
		if (next == prev) { /* nothing better: keep running */
			if (timed && now >= sc->slice_end) {
				sc->slice_end = now + sched_slice_ns;
				sc->slice_renewed = false;
				sc->steal_slice = steal;
			}
			push_waiting(sc, self);
			sched_rq_changed(sc, self);
			spin_unlock(&sc->lock);
			sched_program_timer(sc);
			sched_flush_ipis();
			return;
		}
		if (!timed && next->wake_time) {
			now = virt_clock_ns();
			timed = true;
		}
		put_prev(sc, prev, why, self);
		if (timed)
			account_switch(sc, prev, next, now, steal);
		put_next(sc, next, self);
		push_waiting(sc, self);
		sched_rq_changed(sc, self);
		sc->prev = prev;
		sc->current = next;
		sc->nr_switches++;
		trace(TR_SWITCH, (uint32_t)thread_id(prev), (uint32_t)thread_id(next),
		      why | (unsigned)prev->state << 8 |
			      (prev->is_idle | next->is_idle << 1) << 16);
		if (__builtin_expect(!switch_frame_sealed(next->sp), 0) &&
		    !inject_on(INJECT_SWITCH_UNSEALED))
			switch_seal_broken(next);
		if (__builtin_expect(next->domain, 0))
			domain_switch_in(next->domain, stack_top(&next->stack));
		arch_switch(&prev->sp, next->sp);
		finish_switch(); /* prev again, maybe on another CPU */
		why = SCHED_PREEMPT;
	} while (sched_this()->need_resched);
}

__attribute__((flatten)) void sched_switch(enum sched_why why)
{
	switch_to_next(why, false);
}

void sched_yield_untimed(void)
{
	switch_to_next(SCHED_YIELD, true);
}

/* Preemption point for thread context after a local wakeup. */
void sched_preempt_check(void)
{
	unsigned long f;

	sched_flush_ipis();
	if (!READ_ONCE(sched_this()->need_resched) || !arch_irq_enabled())
		return;
	f = arch_irq_save();
	if (sched_this()->need_resched && !sched_current()->is_idle)
		sched_switch(SCHED_PREEMPT);
	arch_irq_restore(f);
}

/* Queue t's wakeup at deadline on this CPU (IRQs off, t is current). */
void sched_timer_arm(struct thread *t, uint64_t deadline)
{
	struct sched_cpu *sc = sched_this();

	spin_lock(&sc->tq_lock);
	t->timer_cpu = this_cpu()->id;
	timerq_insert(&sc->tq, &t->timer, deadline);
	__atomic_store_n(&sc->tq_min, timerq_next(&sc->tq), __ATOMIC_RELAXED);
	spin_unlock(&sc->tq_lock);
}

/* Dequeue t's timer if still queued. Always takes the lock: an expiry in
 * progress (pop + wake under tq_lock) finishes before we return, so no
 * stale timer wakeup can hit a later wait. IRQs off. */
void sched_timer_cancel(struct thread *t)
{
	struct sched_cpu *sc = &cpu_get(t->timer_cpu)->sched;

	spin_lock(&sc->tq_lock);
	if (timerq_remove(&sc->tq, &t->timer))
		__atomic_store_n(&sc->tq_min, timerq_next(&sc->tq),
				 __ATOMIC_RELAXED);
	spin_unlock(&sc->tq_lock);
}

/* main ends the run by shutting down; ending any other way (killed by a
 * fault, thread_exit) leaves no one to do it, so do it here, failing. */
static __noreturn void main_thread_ended(struct thread *t)
{
	kprintf("vsched: thread 'main' %s before the job finished: ending the "
		"run as failed\n", t->killed ? "was killed" : "exited");
	kernel_shutdown(EXIT_TEST_FAILED);
}

__noreturn void sched_exit_current(void)
{
	struct thread *t = sched_current();

	if (t == sched_main_thread)
		main_thread_ended(t);
	trace(TR_EXIT, (uint32_t)thread_id(t), t->killed, 0);
	__atomic_store_n(&t->state, THREAD_DEAD, __ATOMIC_RELEASE);
	sched_switch(SCHED_BLOCK);
	for (;;) /* a DEAD thread is never switched back to */
		arch_halt_forever();
}

/* ---- hooks called by guest/irq.c, IRQs off ---- */

/*
 * current's slice is over by the clock (IRQs off). A slice is run time:
 * time the hypervisor stole from this vCPU (its steal-time record) moves
 * the slice end back by as much, so a thread on a vCPU the host stopped
 * keeps its whole slice, and an equal-priority thread woken meanwhile (a
 * sleeper with a later deadline) does not overtake one that just woke and
 * has not run an instruction.
 *
 * Not every stall is in the record (none without one; the host of our
 * host, or IRQs off, never are): an interrupt armed for slice_end that
 * comes more than half a slice late after that says the vCPU did not run
 * for that long, so the slice is renewed instead, at most once per slice
 * (inject=steal_charged leaves only this rule);
 * a thread then still never runs longer than two slices plus the stall
 * while an equal-priority thread waits. (A tick-based scheduler charges a
 * stall as one tick for the same reason.)
 */
static void slice_expired(struct sched_cpu *sc, uint64_t now, unsigned self)
{
	if (inject_on(INJECT_NO_SLICE))
		return;
	slice_add_steal(sc, virt_steal_ns(self));
	if (now < sc->slice_end)
		return;
	if (now - sc->slice_end > sched_slice_ns / 2 && !sc->slice_renewed) {
		sc->slice_end = now + sched_slice_ns;
		sc->slice_renewed = true;
		return;
	}
	sc->need_resched = true;
}

void sched_timer_interrupt(void)
{
	struct sched_cpu *sc = sched_this();
	struct timerq_node *n;
	uint64_t now;

	if (!sc->started)
		return;
	sc->armed = VIRT_NO_DEADLINE; /* the one-shot has fired */
	sc->nr_timer++;
	/* Here, not in kernel_timer_interrupt(): there the site cost every
	 * timer interrupt a saved register pair (+10 instructions). */
	trace(TR_TIMER_FIRE, 0, 0, 0);
	now = virt_clock_ns();
	spin_lock(&sc->tq_lock);
	while ((n = timerq_pop_expired(&sc->tq, now)))
		sched_wake(container_of(n, struct thread, timer));
	__atomic_store_n(&sc->tq_min, timerq_next(&sc->tq), __ATOMIC_RELAXED);
	spin_unlock(&sc->tq_lock);
	if (!sc->current->is_idle && now >= sc->slice_end) {
		slice_expired(sc, now, this_cpu()->id);
		sched_balance(sc, this_cpu()->id);
	}
	/* Queue length, sampled at each timer interrupt (a busy vCPU takes
	 * one per slice), off the switch path. */
	if (jump_alert_on())
		audit_rq(this_cpu()->id, READ_ONCE(sc->rq.nr));
	sched_program_timer(sc);
}

void sched_resched_ipi(void)
{
	struct sched_cpu *sc = sched_this();

	sc->need_resched = true;
}

void sched_irq_exit(void)
{
	struct sched_cpu *sc = sched_this();

	sched_flush_ipis();
	if (sc->started && sc->need_resched && !sc->current->is_idle)
		sched_switch(SCHED_PREEMPT);
}

/* The thread a fault on this CPU would be blamed on, or NULL: nobody to
 * blame (before the scheduler started, or idle), or inside the switch. */
static struct thread *fault_culprit(struct sched_cpu *sc)
{
	struct thread *t = sc->started ? sc->current : NULL;

	return !t || t->is_idle || sc->prev ? NULL : t;
}

bool sched_fault_killable(void)
{
	return fault_culprit(sched_this()) != NULL;
}

void sched_thread_fault(unsigned vector, uintptr_t addr)
{
	struct sched_cpu *sc = sched_this();
	struct thread *t = fault_culprit(sc);

	if (!t)
		return;
	/* The fault may have come in an interrupt's entry or handler (x86:
	 * its frame found no room on the stack), which then never ran. Was
	 * it this CPU's one-shot, the deadline kept as armed has passed
	 * unseen, and sched_program_timer() would never arm another: every
	 * sleeper here would sleep for good. Forget it; the switch below
	 * arms the timer anew (at worst one spurious interrupt). */
	if (!inject_on(INJECT_FAULT_LOSES_TIMER))
		sc->armed = VIRT_NO_DEADLINE;
	bool guard = stack_guard_hit(&t->stack, addr);
	const char *what = guard ? "stack overflow into its guard page"
				 : "fault";

	kprintf("sched: killed thread '%s' (id %lu) on vCPU %u: %s at address "
		"0x%lx (vector %u)\n", t->name, thread_id(t), this_cpu()->id, what,
		addr, vector);
	audit(guard ? AUDIT_GUARD_PAGE : AUDIT_FAULT, "killed: %s at 0x%lx "
	      "(vector %u)", what, addr, vector);
	t->killed = true;
	sched_exit_current();
}
