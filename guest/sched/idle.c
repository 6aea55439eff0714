/* SPDX-License-Identifier: MIT */
/*
 * Idle and bring-up: each CPU's boot stack becomes its idle thread, which
 * polls (poll_us=, idle=poll) or halts, and steals ready threads from busy
 * CPUs without breaking affinity. sched_init() reads the command line.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/kernel.h"
#include "guest/ledger.h"
#include "guest/lib/printf.h"
#include "guest/lib/random.h"
#include "guest/options.h"
#include "guest/sched/placement.h"
#include "guest/sched/sched.h"
#include "guest/trace.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_NUM("slice_us", 20, 10000000, 2000, "round-robin time slice, us"));
OPTION(OPT_ENUM("idle", OPT_WORDS("halt", "poll"), "halt",
	 "what an idle vCPU does"));
OPTION(OPT_NUM("poll_us", 0, 10000000, 0,
	       "idle=halt: poll this long first, us"));
OPTION(OPT_NUM("mutex_spin_us", 0, 10000, 0, "mutex: spin this long on an "
	"owner running elsewhere before sleeping (0: never)"));
OPTION(OPT_ENUM("yield_clock", OPT_WORDS("auto", "read", "skip"), "auto",
		"whether a yield reads the clock (auto: skip where reading "
		"it traps, as Xen's emulated TSC does)"));

static bool idle_poll_forever;       /* idle=poll */
static uint64_t idle_poll_ns;        /* poll_us=, default 0 (halt at once) */
static struct thread idle_threads[MAX_CPUS]; /* boot stacks, one per CPU */

static struct thread *rq_thread(struct runq_node *n)
{
	return container_of(n, struct thread, rq_node);
}

static bool has_work(struct sched_cpu *sc)
{
	return sc->need_resched || READ_ONCE(sc->rq.nr) ||
	       !wakelist_empty(&sc->wake);
}

static bool steal_ok(struct runq_node *n, void *arg)
{
	return (rq_thread(n)->affinity >> *(unsigned *)arg) & 1;
}

/* Move ready thread rn from the run queue of CPU from (its lock held:
 * the cpu rule) to CPU to, keeping from's "waiting" bit in step. */
static void move_ready(struct sched_cpu *fsc, unsigned from,
		       struct runq_node *rn, unsigned to, unsigned kind)
{
	trace(kind, (uint32_t)thread_id(rq_thread(rn)), from, to);
	runq_remove(&fsc->rq, rn);
	__atomic_store_n(&rq_thread(rn)->state, THREAD_WAKING,
			 __ATOMIC_RELAXED);
	sched_push(rq_thread(rn), to);
	sched_rq_changed(fsc, from);
}

/* The next victim to try, from the CPU after self on: one the hypervisor
 * has stopped first (its queue waits for the host, not only for the
 * thread it runs), looking at no more than four. */
static unsigned next_victim(uint64_t victims, unsigned self)
{
	unsigned first = placement_next(victims, self + 1);

	if (!virt_steal_on || inject_on(INJECT_PLACE_PREEMPTED))
		return first;
	for (int tries = 0; victims && tries < 4; tries++) {
		unsigned v = placement_next(victims, self + 1);

		if (virt_vcpu_is_preempted(v))
			return v;
		victims &= ~(1ull << v);
	}
	return first;
}

/* Take one ready thread that may run here from a CPU the map says has
 * some waiting, trying a few in turn from the next CPU on. Holds no
 * other rq lock, so spinning on the victim's cannot deadlock. */
static bool steal(struct sched_cpu *sc, unsigned self)
{
	uint64_t victims = __atomic_load_n(&sched_map.waiting,
					   __ATOMIC_RELAXED) & ~(1ull << self);
	struct runq_node *rn = NULL;

	for (int tries = 0; victims && !rn && tries < 4; tries++) {
		unsigned v = next_victim(victims, self);
		struct sched_cpu *vsc = &cpu_get(v)->sched;

		victims &= ~(1ull << v);
		spin_lock(&vsc->lock);
		rn = runq_find(&vsc->rq, steal_ok, &self);
		if (rn) {
			move_ready(vsc, v, rn, self, TR_STEAL);
			sc->nr_steals++;
			if (virt_vcpu_is_preempted(v))
				sc->nr_pv_steals++;
		}
		spin_unlock(&vsc->lock);
	}
	return rn != NULL;
}

/* A thread of the run queue that may run on CPU "cpu" at once or at its
 * next slice end: allowed there, and not below what runs there now. */
struct balance_arg {
	unsigned cpu;
	int cur_prio;
};

static bool balance_ok(struct runq_node *n, void *arg)
{
	struct balance_arg *b = arg;
	struct thread *t = rq_thread(n);

	return (t->affinity >> b->cpu) & 1 && t->prio >= b->cur_prio;
}

/* Equal-priority work piles up where it was spawned or woken when no
 * CPU idles to steal it. At a slice end (timer interrupt, IRQs off) a CPU
 * with threads waiting looks at one other CPU, taken in turn, and gives
 * it one that may run there if that CPU has at least two fewer: one
 * bounded look per slice. Never to a CPU running higher priority: the
 * thread would wait there behind it, where no push would bring it back. */
void sched_balance(struct sched_cpu *sc, unsigned self)
{
	uint64_t others = __atomic_load_n(&sched_map.online, __ATOMIC_RELAXED) &
			  ~(1ull << self);
	struct runq_node *rn = NULL;
	struct balance_arg b;

	if (!READ_ONCE(sc->rq.nr) || !others)
		return;
	b.cpu = sched_next_in_turn(others);
	b.cur_prio = __atomic_load_n(&cpu_get(b.cpu)->sched.cur_prio,
				     __ATOMIC_RELAXED);
	spin_lock(&sc->lock);
	if (sched_cpu_load(b.cpu) + 2 <= sc->rq.nr + 1)
		rn = runq_find(&sc->rq, balance_ok, &b);
	if (rn) {
		move_ready(sc, self, rn, b.cpu, TR_PUSH);
		sc->nr_pushes++;
	}
	spin_unlock(&sc->lock);
}

/* Poll for work with IRQs on (timers still fire) for poll_us, or forever
 * with idle=poll. While polling, wakers skip the IPI. */
static bool idle_poll(struct sched_cpu *sc, unsigned self)
{
	uint64_t end = virt_clock_ns() + idle_poll_ns;
	unsigned spins = 0;
	bool work;

	if (!idle_poll_forever && !idle_poll_ns)
		return false;
	__atomic_store_n(&sc->polling, true, __ATOMIC_SEQ_CST);
	trace(TR_IDLE_ENTER, 0, 0, 0);
	arch_irq_enable();
	while (!has_work(sc) && (idle_poll_forever || virt_clock_ns() < end)) {
		bool stole;

		arch_cpu_relax();
		if (++spins % 256)
			continue;
		/* Rq locks are only ever held with IRQs off: an interrupt's
		 * local wakeup takes this CPU's, and would wait on a CPU
		 * that waits on the victim's lock we hold. */
		arch_irq_disable();
		stole = steal(sc, self);
		arch_irq_enable();
		if (stole)
			break;
	}
	arch_irq_disable();
	trace(TR_IDLE_EXIT, 0, 0, 0);
	/* Seq_cst store then load: pairs with sched_notify()'s push then
	 * polling load, so either it IPIs us or we see its push. */
	__atomic_store_n(&sc->polling, false, __ATOMIC_SEQ_CST);
	work = has_work(sc);
	return work;
}

static __noreturn void idle_loop(void)
{
	struct sched_cpu *sc = sched_this();
	unsigned self = this_cpu()->id;

	for (;;) {
		if (has_work(sc)) {
			sched_switch(SCHED_IDLE);
			continue;
		}
		if (steal(sc, self) || idle_poll(sc, self))
			continue;
		/* IRQs are off from this last look to sti;hlt, so a waker's
		 * IPI (sent because we published cur_prio IDLE) wakes us. */
		if (!has_work(sc)) {
			sched_program_timer(sc);
			trace(TR_IDLE_ENTER, 1, 0, 0);
			arch_wait_for_irq();
			trace(TR_IDLE_EXIT, 1, 0, 0);
		}
	}
}

/* ---- bring-up ---- */

void sched_init(void)
{
	const char *yield_clock;
	unsigned i;

	sched_slice_ns = option_u64("slice_us") * 1000;
	idle_poll_ns = option_u64("poll_us") * 1000;
	mutex_spin_ns = option_u64("mutex_spin_us") * 1000;
	idle_poll_forever = !strcmp(option_str("idle"), "poll");
	yield_clock = option_str("yield_clock");
	sched_yield_reads_clock =
		!strcmp(yield_clock, "read") ||
		(!strcmp(yield_clock, "auto") && !ledger_tsc_traps);
	if (!sched_yield_reads_clock)
		jump_enable(JUMP_YIELD_UNTIMED);
	/* Before the first switch (include/arch.h). Not from the seed
	 * alone: seed= would give it away, and a key read back from a frame
	 * would give the seed (and every stack offset) back. */
	uint64_t hw = 0;
	const char *src;

	if (!arch_random64(&hw, &src))
		hw = arch_cycles_raw();
	arch_switch_key = random_mix(hw ^ random_mix(arch_cycles_raw())) ^
			  random_for(0x5ea1ed5e1f000000ull);
	for (i = 0; i < cpu_count(); i++) {
		struct sched_cpu *sc = &cpu_get(i)->sched;

		spin_init(&sc->lock);
		spin_init(&sc->tq_lock);
		runq_init(&sc->rq);
		timerq_init(&sc->tq);
		sc->tq_min = UINT64_MAX;
		sc->armed = VIRT_NO_DEADLINE;
		sc->cur_prio = SCHED_PRIO_IDLE;
		sc->map_prio = CPUMAP_OUT;
	}
	kprintf("sched: %u vCPUs, slice %lu us, idle=%s, poll_us=%lu, "
		"priorities %d..%d, a yield %s the clock\n", cpu_count(),
		sched_slice_ns / 1000, idle_poll_forever ? "poll" : "halt",
		idle_poll_ns / 1000, SCHED_PRIO_MIN, SCHED_PRIO_MAX,
		sched_yield_reads_clock ? "reads" : "skips");
}

/* Turn the running boot stack into this CPU's idle thread. */
static void become_idle(void)
{
	struct cpu *c = this_cpu();
	struct sched_cpu *sc = &c->sched;
	struct thread *idle = &idle_threads[c->id];

	idle->is_idle = true;
	idle->state = THREAD_RUNNING;
	idle->on_cpu = 1;
	idle->cpu = c->id;
	idle->prio = SCHED_PRIO_IDLE;
	idle->affinity = 1ull << c->id;
	idle->last_cpu = c->id;
	sc->run_start = virt_clock_ns();
	sc->steal_run = sc->steal_slice = virt_steal_ns(c->id);
	ksnprintf(idle->name, sizeof(idle->name), "idle%u", c->id);
	sc->idle = sc->current = idle;
	sched_publish_prio(sc, c->id, SCHED_PRIO_IDLE);
	/* Release: placement on other CPUs sees a usable CPU. */
	__atomic_store_n(&sc->started, true, __ATOMIC_RELEASE);
}

__noreturn void sched_cpu_enter(void)
{
	become_idle();
	idle_loop();
}

struct thread *sched_main_thread;
static void (*main_entry)(void *);
static void *main_arg;

static long main_thread_fn(void *unused)
{
	sched_main_thread = sched_current(); /* before the job can end it */
	main_entry(main_arg);
	return 0;
}

__noreturn void sched_start(void (*main_fn)(void *), void *arg)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	int rc;

	become_idle();
	main_entry = main_fn;
	main_arg = arg;
	a.name = "main";
	a.stack_size = 64 * 1024;
	rc = thread_spawn(main_thread_fn, NULL, &a, &h);
	if (rc) {
		kprintf("sched: cannot start the main thread: %d%s\n", rc,
			rc == -ENOMEM ? " (out of memory: too little guest RAM)" : "");
		kernel_shutdown(EXIT_TEST_FAILED);
	}
	idle_loop();
}

struct thread *sched_idle_thread(unsigned cpu)
{
	return cpu < MAX_CPUS ? &idle_threads[cpu] : NULL;
}
