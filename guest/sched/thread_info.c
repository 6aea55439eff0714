/* SPDX-License-Identifier: MIT */
/*
 * The threads table (`threads` / `demo` commands): one row per live thread
 * and idle thread with its statistics, then per-vCPU scheduler counters.
 */
#include "arch.h"
#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/pvspin.h"
#include "guest/sched/sched.h"

static const char *state_name(int s)
{
	static const char *const names[] = {"free", "waking", "ready",
					     "running", "blocked", "dead"};

	return s >= 0 && s < (int)ARRAY_SIZE(names) ? names[s] : "?";
}

static void print_row(struct thread *t)
{
	struct thread_acct *s = &t->acct;
	uint64_t avg = s->wakeups ? s->wake_lat_sum_ns / s->wakeups : 0;

	kprintf("%5lu %-16s %-7s %4d %3u %8lu %8lu %10lu %9lu %9lu %9lu %6lu\n",
		thread_id(t), t->name,
		state_name(__atomic_load_n(&t->state, __ATOMIC_RELAXED)),
		t->is_idle ? -1 : t->prio, t->last_cpu, s->switches_vol,
		s->switches_preempt, s->run_ns / 1000, s->steal_ns / 1000,
		avg / 1000, s->wake_lat_max_ns / 1000, s->migrations);
}

static void print_cpu(unsigned i)
{
	struct sched_cpu *sc = &cpu_get(i)->sched;
	uint64_t armed = sc->armed;

	kprintf("vCPU %u: %s switches %lu steals %lu (%lu from stopped vCPUs) "
		"wakes moved off stopped vCPUs %lu ipis_sent %lu timer %lu "
		"idle_us %lu steal_us %lu%s | now: current %s prio %d ready %u "
		"queued %u%s%s timer in %ld us\n", i,
		sc->started ? "up" : "down", sc->nr_switches, sc->nr_steals,
		sc->nr_pv_steals, sc->nr_pv_moves, sc->nr_ipis, sc->nr_timer,
		sched_idle_thread(i)->acct.run_ns / 1000,
		virt_steal_ns(i) / 1000,
		virt_vcpu_is_preempted(i) ? " preempted" : "",
		sc->current ? sc->current->name : "-", READ_ONCE(sc->cur_prio),
		READ_ONCE(sc->rq.nr), READ_ONCE(sc->queued),
		wakelist_empty(&sc->wake) ? "" : " wakelist",
		READ_ONCE(sc->need_resched) ? " need_resched" : "",
		armed == VIRT_NO_DEADLINE
			? -1L
			: (long)(armed - virt_clock_ns()) / 1000);
}

void sched_print_threads(void)
{
	struct thread_counts tc;
	struct stack_stats ss;
	struct thread *t;
	unsigned long f;
	unsigned i;

	kprintf("%5s %-16s %-7s %4s %3s %8s %8s %10s %9s %9s %9s %6s\n", "id",
		"name", "state", "prio", "cpu", "vol", "preempt", "run_us",
		"steal_us", "wlat_avg", "wlat_max", "migr");
	f = arch_irq_save();
	thread_registry_lock();
	for (t = thread_registry_next(NULL); t; t = thread_registry_next(t))
		print_row(t);
	thread_registry_unlock();
	arch_irq_restore(f);
	for (i = 0; i < cpu_count(); i++)
		print_row(sched_idle_thread(i));
	for (i = 0; i < cpu_count(); i++)
		print_cpu(i);
	thread_get_counts(&tc);
	stack_get_stats(&ss);
	kprintf("threads: spawned %lu joined %lu killed %lu alive %u "
		"(max %u); control block %lu B; stacks live %lu pooled %lu "
		"mapped %lu KiB\n", tc.spawned, tc.joined, tc.killed, tc.alive,
		tc.alive_max, (unsigned long)tc.tcb_bytes, ss.live, ss.pooled,
		ss.mapped_pages * PAGE_SIZE / 1024);
	kprintf("pv: directed yields %lu (mutex %lu, cross-call %lu, "
		"mid-switch %lu)%s; mutex spins stopped on a stopped owner %lu; "
		"pvspin halts %lu, kicks %lu, timeouts %lu\n",
		pvyield_count[PVYIELD_MUTEX] + pvyield_count[PVYIELD_CALL] +
			pvyield_count[PVYIELD_SWITCH],
		pvyield_count[PVYIELD_MUTEX], pvyield_count[PVYIELD_CALL],
		pvyield_count[PVYIELD_SWITCH], pvyield_on ? "" : " (pvyield off)",
		mutex_spin_stats.owner_preempted, pvspin_stats.halts,
		pvspin_stats.kicks, pvspin_stats.timeouts);
}

/* ---- demo: a few kinds of thread, the table printed while they run ---- */

static volatile bool demo_stop;

static long demo_spin(void *arg)
{
	unsigned long n = 0;

	while (!READ_ONCE(demo_stop))
		n++;
	return (long)n;
}

static long demo_sleeper(void *arg)
{
	while (!READ_ONCE(demo_stop))
		thread_sleep_ns((uintptr_t)arg);
	return 0;
}

static long demo_pingpong(void *arg)
{
	struct sem *s = arg;

	while (!READ_ONCE(demo_stop)) {
		sem_wait(&s[0]);
		sem_post(&s[1]);
	}
	sem_post(&s[1]);
	return 0;
}

void sched_demo(void)
{
	static struct sem ping[2] = {SEM_INIT(0), SEM_INIT(0)};
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h[6];
	int i;

	a.name = "spin-lo";
	a.prio = 4;
	thread_spawn(demo_spin, NULL, &a, &h[0]);
	a.name = "spin-lo2";
	thread_spawn(demo_spin, NULL, &a, &h[1]);
	a.name = "sleep-1ms";
	a.prio = 20;
	thread_spawn(demo_sleeper, (void *)1000000ul, &a, &h[2]);
	a.name = "sleep-3ms";
	thread_spawn(demo_sleeper, (void *)3000000ul, &a, &h[3]);
	a.name = "pong";
	a.prio = 12;
	thread_spawn(demo_pingpong, ping, &a, &h[4]);
	a.name = "pinned-cpu0";
	a.prio = 4;
	a.affinity = 1;
	thread_spawn(demo_spin, NULL, &a, &h[5]);
	for (i = 0; i < 200; i++) {
		sem_post(&ping[0]);
		sem_wait(&ping[1]);
	}
	thread_sleep_ns(20000000);
	sched_print_threads();
	WRITE_ONCE(demo_stop, true);
	sem_post(&ping[0]);
	for (i = 0; i < 6; i++)
		thread_join(h[i], NULL);
}

/* ---- invariants (stress test): all rq locks held, IRQs off ---- */

static int check_cpu(unsigned i, char *why, size_t len)
{
	struct sched_cpu *sc = &cpu_get(i)->sched;
	unsigned counted = 0, movable = 0, lvl, j;

	if (!sc->current || !sc->current->on_cpu || sc->prev)
		return ksnprintf(why, len, "vCPU %u: current not on CPU", i);
	for (j = 0; j < i; j++)
		if (!sc->current->is_idle &&
		    cpu_get(j)->sched.current == sc->current)
			return ksnprintf(why, len, "thread %lu current on vCPU "
					 "%u and %u", thread_id(sc->current), j, i);
	for (lvl = 0; lvl < SCHED_PRIO_LEVELS; lvl++) {
		struct sched_link *l = sc->rq.level[lvl].head;

		if (!l != !prio_bitmap_test(&sc->rq.map, lvl))
			return ksnprintf(why, len, "vCPU %u: bitmap wrong at "
					 "level %u", i, lvl);
		for (; l; l = l->next, counted++) {
			struct thread *t = container_of(
				container_of(l, struct runq_node, link),
				struct thread, rq_node);

			if (t->state != THREAD_READY || t->cpu != i ||
			    t->on_cpu || !((t->affinity >> i) & 1) ||
			    t->rq_node.level != lvl)
				return ksnprintf(why, len, "vCPU %u: queued "
						 "thread %lu state %d cpu %u "
						 "on_cpu %d", i, thread_id(t),
						 t->state, t->cpu, t->on_cpu);
			if (t->rq_node.movable != affinity_movable(t->affinity))
				return ksnprintf(why, len, "vCPU %u: thread %lu"
						 " movable %d, affinity %lx",
						 i, thread_id(t), t->rq_node.movable,
						 t->affinity);
			movable += t->rq_node.movable;
		}
	}
	if (counted != sc->rq.nr || movable != sc->rq.nr_movable)
		return ksnprintf(why, len, "vCPU %u: rq.nr %u nr_movable %u "
				 "but %u queued, %u movable", i, sc->rq.nr,
				 sc->rq.nr_movable, counted, movable);
	return 0;
}

int sched_check_invariants(char *why, size_t len)
{
	unsigned long f = arch_irq_save();
	unsigned n = cpu_count(), i;
	int bad = 0;

	for (i = 0; i < n; i++) /* in id order; nobody nests rq locks */
		spin_lock(&cpu_get(i)->sched.lock);
	for (i = 0; i < n && !bad; i++)
		bad = check_cpu(i, why, len);
	for (i = n; i-- > 0;)
		spin_unlock(&cpu_get(i)->sched.lock);
	arch_irq_restore(f);
	return bad ? -EINVAL : 0;
}
