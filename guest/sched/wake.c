/* SPDX-License-Identifier: MIT */
/*
 * Wakeups and placement: make a blocked thread runnable on the best CPU
 * through that CPU's lock-free wake list, send a reschedule IPI only when
 * the target must act, and change a thread's priority or affinity
 * wherever it is.
 */
#include "arch.h"
#include "guest/trace.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/pvspin.h"
#include "guest/sched/sched.h"

struct cpumap sched_map;

/* sched_publish_prio() when the level changes: the seq_cst store pairs
 * with sched_notify(); the map is a placement hint. */
void sched_publish_prio_change(struct sched_cpu *sc, unsigned self, int prio)
{
	__atomic_store_n(&sc->cur_prio, prio, __ATOMIC_SEQ_CST);
	cpumap_move(&sched_map, self, sc->map_prio, prio);
	sc->map_prio = prio;
}

/* sched_rq_changed() when the bit flips (rq lock held). */
void sched_set_waiting(struct sched_cpu *sc, unsigned cpu, bool waiting)
{
	sc->map_waiting = waiting;
	cpumap_set_waiting(&sched_map, cpu, waiting);
}

unsigned sched_cpu_load(unsigned cpu)
{
	struct sched_cpu *sc = &cpu_get(cpu)->sched;

	return READ_ONCE(sc->rq.nr) +
	       __atomic_load_n(&sc->queued, __ATOMIC_RELAXED) +
	       (__atomic_load_n(&sc->cur_prio, __ATOMIC_RELAXED) !=
		SCHED_PRIO_IDLE);
}

/* Nothing made runnable there since its last switch: no push in flight,
 * no local wakeup (sched_enqueue) it has not switched for yet. */
static bool nothing_queued(unsigned cpu)
{
	struct sched_cpu *sc = &cpu_get(cpu)->sched;

	return !__atomic_load_n(&sc->queued, __ATOMIC_RELAXED) &&
	       !READ_ONCE(sc->enqueued);
}

/* INJECT_WALK_CPUS: what a placement that looks at every vCPU costs. */
void sched_walk_cpus(void)
{
	unsigned sum = 0;

	for (unsigned i = 0; i < cpu_count(); i++)
		sum += sched_cpu_load(i);
	WRITE_ONCE(sched_this()->walk_sink, sum);
}

/* The next CPU of mask in this CPU's round robin (NONE if mask is
 * empty): the cursor moves past each pick, so picks spread over the mask
 * whatever the CPU count. Own CPU, IRQs off. */
unsigned sched_next_in_turn(uint64_t mask)
{
	struct sched_cpu *me = sched_this();
	unsigned cpu = placement_next(mask, me->place_cursor);

	if (cpu != PLACEMENT_NONE)
		me->place_cursor = cpu + 1;
	return cpu;
}

/* Up to four CPUs of cand in turn: the first with no wakeup queued (one
 * queued is about to run something: a burst of spawns spreads). */
unsigned sched_first_unqueued(uint64_t cand)
{
	for (int tries = 0; cand && tries < 4; tries++) {
		unsigned cpu = sched_next_in_turn(cand);

		if (nothing_queued(cpu))
			return cpu;
		cand &= ~(1ull << cpu);
	}
	return PLACEMENT_NONE;
}

/* cpu, unless the hypervisor has stopped it and an idle CPU of allowed
 * is running: a wakeup there would wait for the host. A few tries. */
static unsigned unpreempted(unsigned cpu, uint64_t allowed)
{
	uint64_t idle;

	if (!virt_vcpu_is_preempted(cpu))
		return cpu;
	idle = allowed & ~(1ull << cpu) &
	       __atomic_load_n(&sched_map.level[0], __ATOMIC_RELAXED);
	if (idle)
		sched_this()->nr_pv_chances++;
	if (inject_on(INJECT_PLACE_PREEMPTED)) /* broken on purpose */
		return cpu;
	for (int tries = 0; idle && tries < 4; tries++) {
		unsigned c = sched_next_in_turn(idle);

		if (!virt_vcpu_is_preempted(c) && nothing_queued(c)) {
			sched_this()->nr_pv_moves++;
			return c;
		}
		idle &= ~(1ull << c);
	}
	return cpu;
}

/*
 * Where t should run, looking at a bounded number of CPUs whatever their
 * count: prev if it is pinned there, or prev is idle; else an idle CPU,
 * else one running the lowest priority below t's (prev first, then in
 * turn), skipping CPUs with wakeups queued; else the less loaded of prev
 * and one other CPU taken in turn, if that one runs no higher priority.
 * A CPU the hypervisor has stopped gives way to a running idle one.
 */
unsigned sched_place_any(struct thread *t, unsigned prev)
{
	uint64_t online = __atomic_load_n(&sched_map.online, __ATOMIC_RELAXED);
	uint64_t allowed = t->affinity & online, cand;
	bool prev_ok = (allowed >> prev) & 1;
	unsigned cpu, other;

	if (!allowed) /* only CPUs not started yet: they drain at start */
		return (t->affinity >> prev) & 1
			       ? prev
			       : placement_next(t->affinity, prev);
	if (allowed == 1ull << prev) /* pinned there: nothing to look at */
		return prev;
	cand = placement_below(&sched_map, allowed, t->prio);
	if (prev_ok && (cand >> prev) & 1 && nothing_queued(prev))
		return unpreempted(prev, allowed);
	cpu = sched_first_unqueued(cand & ~(1ull << prev));
	if (cpu != PLACEMENT_NONE)
		return unpreempted(cpu, allowed);
	if (!prev_ok)
		return unpreempted(sched_next_in_turn(allowed), allowed);
	other = sched_next_in_turn(allowed & ~(1ull << prev));
	if (other != PLACEMENT_NONE &&
	    __atomic_load_n(&cpu_get(other)->sched.cur_prio,
			    __ATOMIC_RELAXED) <= t->prio &&
	    sched_cpu_load(other) < sched_cpu_load(prev))
		return unpreempted(other, allowed);
	return unpreempted(prev, allowed);
}

/* Tell target a thread of priority prio was pushed to it. IRQs off. */
void sched_notify(unsigned target, int prio)
{
	struct sched_cpu *me = sched_this(), *tsc = &cpu_get(target)->sched;
	int cur;

	if (inject_on(INJECT_NO_PREEMPT) &&
	    __atomic_load_n(&tsc->cur_prio, __ATOMIC_SEQ_CST) !=
		    SCHED_PRIO_IDLE)
		return; /* broken on purpose: waits for the slice end */
	if (tsc == me) {
		if (prio > me->cur_prio)
			me->need_resched = true;
		return;
	}
	/* Seq_cst load after the seq_cst push: pairs with the target's
	 * cur_prio / polling store followed by its wake-list load
	 * (sched_switch, idle_poll): we IPI it, or it sees our push. */
	cur = __atomic_load_n(&tsc->cur_prio, __ATOMIC_SEQ_CST);
	if (cur >= prio) /* it runs as high: picks it up at slice end */
		return;
	if (cur == SCHED_PRIO_IDLE &&
	    __atomic_load_n(&tsc->polling, __ATOMIC_SEQ_CST))
		return;
	me->ipi_pending |= 1ull << target; /* sent by sched_flush_ipis() */
}

/* Send the reschedule IPIs this CPU deferred. Wakers run under object
 * locks; an IPI (an exit, or a slow MMIO write) would stretch those
 * critical sections, so notify() only records it and every path that
 * drops its locks (preemption check, switch, IRQ exit) flushes. */
void sched_send_ipis(void)
{
	unsigned long f = arch_irq_save();
	struct sched_cpu *me = sched_this();
	uint64_t m = me->ipi_pending;

	me->ipi_pending = 0;
	while (m) {
		unsigned cpu = (unsigned)__builtin_ctzll(m);

		m &= m - 1;
		me->nr_ipis++;
		virt_send_ipi(cpu, IPI_RESCHED);
	}
	arch_irq_restore(f);
}

/* Hand t (WAKING, off every CPU) to target. Caller obeys the cpu rule. */
void sched_push(struct thread *t, unsigned target)
{
	struct sched_cpu *tsc = &cpu_get(target)->sched;
	int prio = t->prio; /* t may run (and change) once pushed */

	t->cpu = target;
	__atomic_fetch_add(&tsc->queued, 1, __ATOMIC_RELAXED);
	wakelist_push(&tsc->wake, &t->wake_node);
	sched_notify(target, prio);
}

/* t (WAKING, off every CPU) is to run on target: straight onto the run
 * queue when target is this CPU (a local wakeup makes no wake list round
 * trip: no atomic exchange, no drain at the next switch), else through
 * target's wake list. IRQs off, no rq lock held; cpu rule obeyed. */
void sched_enqueue(struct thread *t, unsigned target)
{
	struct sched_cpu *sc = sched_this();
	int prio = t->prio;

	if (target != this_cpu()->id) {
		sched_push(t, target);
		return;
	}
	t->cpu = target;
	spin_lock(&sc->lock);
	__atomic_store_n(&t->state, THREAD_READY, __ATOMIC_RELAXED);
	runq_add(&sc->rq, &t->rq_node, (unsigned)prio);
	sched_rq_changed(sc, target);
	WRITE_ONCE(sc->enqueued, true);
	spin_unlock(&sc->lock);
	sched_notify(target, prio);
}

/*
 * Make t runnable if it is BLOCKED. Any context; the caller may hold
 * object locks and tq_lock (never an rq lock). Returns whether this call
 * woke it.
 */
bool sched_wake(struct thread *t)
{
	int expect = THREAD_BLOCKED;
	unsigned long f;

	if (inject_on(INJECT_WAKE_DELAY)) { /* broken on purpose */
		uint64_t end = virt_clock_ns() + 50000;

		while (virt_clock_ns() < end)
			arch_cpu_relax();
	}
	f = arch_irq_save();

	spin_lock(&t->lock);
	if (!__atomic_compare_exchange_n(&t->state, &expect, THREAD_WAKING,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED)) {
		spin_unlock(&t->lock);
		arch_irq_restore(f);
		return false;
	}
	if (t == sched_this()->current) { /* IRQs are off */
		/* Woken on its own CPU before it switched out: keep running. */
		__atomic_store_n(&t->state, THREAD_RUNNING, __ATOMIC_RELAXED);
		trace(TR_WAKEUP, (uint32_t)thread_id(t), this_cpu()->id, 1);
	} else {
		/* Acquire pairs with the release in sched_finish_switch(): t's
		 * registers are saved before anyone may resume it. Bounded: t
		 * is inside its CPU's switch with IRQs off (if the hypervisor
		 * stopped that vCPU there, we yield to it: pvyield). */
		unsigned spins = 0;

		while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
			pvyield_relax(&spins, READ_ONCE(t->cpu),
				      PVYIELD_SWITCH);
		unsigned to = sched_place(t, t->cpu);

		t->wake_time = virt_clock_ns();
		trace(TR_WAKEUP, (uint32_t)thread_id(t), to, 0);
		sched_enqueue(t, to);
	}
	spin_unlock(&t->lock);
	arch_irq_restore(f);
	return true;
}

/* Lock the run queue t->cpu names, following t if it moves (t->lock
 * held, so only a steal or a forward can move it meanwhile). */
struct sched_cpu *sched_lock_thread_rq(struct thread *t)
{
	for (;;) {
		unsigned cpu = READ_ONCE(t->cpu);
		struct sched_cpu *sc = &cpu_get(cpu)->sched;

		spin_lock(&sc->lock);
		if (READ_ONCE(t->cpu) == cpu)
			return sc;
		spin_unlock(&sc->lock);
	}
}

/* Ask the CPU running t to reschedule (rq lock of sc held). */
static void resched_cpu(struct sched_cpu *sc, unsigned cpu)
{
	if (sc == sched_this())
		sc->need_resched = true;
	else
		sched_this()->ipi_pending |= 1ull << cpu;
}

int sched_set_prio(struct thread *t, int prio)
{
	unsigned long f = arch_irq_save();
	struct sched_cpu *sc;
	int state, old;

	spin_lock(&t->lock);
	sc = sched_lock_thread_rq(t);
	old = t->prio;
	t->prio = prio;
	state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	if (state == THREAD_READY && t->rq_node.queued) {
		runq_remove(&sc->rq, &t->rq_node);
		runq_add(&sc->rq, &t->rq_node, (unsigned)prio);
		if (prio > __atomic_load_n(&sc->cur_prio, __ATOMIC_RELAXED))
			resched_cpu(sc, t->cpu);
	} else if (state == THREAD_RUNNING && sc->current == t) {
		sched_publish_prio(sc, t->cpu, prio);
		if (prio < old && sc->rq.nr)
			resched_cpu(sc, t->cpu);
	} else if (state == THREAD_WAKING && prio > old &&
		   prio > __atomic_load_n(&sc->cur_prio, __ATOMIC_RELAXED)) {
		resched_cpu(sc, t->cpu); /* drains it from its wake list */
	}
	spin_unlock(&sc->lock);
	spin_unlock(&t->lock);
	arch_irq_restore(f);
	sched_preempt_check();
	return 0;
}

int sched_set_affinity(struct thread *t, uint64_t mask)
{
	unsigned long f = arch_irq_save();
	struct sched_cpu *sc;
	int state;
	bool allowed;

	spin_lock(&t->lock);
	sc = sched_lock_thread_rq(t);
	t->affinity = mask;
	runq_set_movable(&sc->rq, &t->rq_node, affinity_movable(mask));
	sched_rq_changed(sc, t->cpu);
	allowed = (mask >> t->cpu) & 1;
	state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	if (!allowed && state == THREAD_READY && t->rq_node.queued) {
		runq_remove(&sc->rq, &t->rq_node);
		__atomic_store_n(&t->state, THREAD_WAKING, __ATOMIC_RELAXED);
		sched_rq_changed(sc, t->cpu);
		unsigned to = sched_place(t, t->cpu);

		trace(TR_MIGRATE, (uint32_t)thread_id(t), t->cpu, to);
		sched_push(t, to); /* rq lock held */
	} else if (!allowed && state == THREAD_RUNNING && sc->current == t) {
		resched_cpu(sc, t->cpu); /* put_prev() migrates it */
	}
	spin_unlock(&sc->lock);
	spin_unlock(&t->lock);
	arch_irq_restore(f);
	sched_flush_ipis();
	return 0;
}
