/* SPDX-License-Identifier: MIT */
/*
 * Threads: control-block pool, the registry of live threads, spawn, join,
 * exit, yield, sleep, priority and affinity calls, statistics.
 * A control block is never returned to the heap: stale handles stay safe
 * to dereference and are told apart by the unique id.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/mm/heap.h"
#include "guest/domain/domain.h"
#include "guest/sched/sched.h"
#include "guest/trace.h"
#include "guest/audit.h"

static struct spinlock tcb_lock = SPINLOCK_INIT;
static struct thread *tcb_pool;        /* tcb_lock: free control blocks */
static struct spinlock threads_lock = SPINLOCK_INIT;
static struct sched_list all_threads;  /* threads_lock: live threads */
static uint64_t next_id = 1;           /* atomic: thread ids */
static struct thread_counts counts;    /* atomic fields */

void thread_attr_init(struct thread_attr *a)
{
	*a = (struct thread_attr)THREAD_ATTR_INIT;
}

static struct thread *tcb_alloc(void)
{
	unsigned long f = spin_lock_irqsave(&tcb_lock);
	struct thread *t = tcb_pool;
	uint64_t id;

	if (t)
		tcb_pool = t->pool_next;
	spin_unlock_irqrestore(&tcb_lock, f);
	if (!t && !(t = kmalloc(sizeof(*t))))
		return NULL;
	memset(t, 0, sizeof(*t));
	id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	/* Release: the fresh block is set up before handles name it. */
	__atomic_store_n(&t->join_word, id * 2, __ATOMIC_RELEASE);
	return t;
}

static void tcb_free(struct thread *t)
{
	unsigned long f = spin_lock_irqsave(&tcb_lock);

	t->state = THREAD_FREE;
	/* Stale handles now get -ESRCH: id 0, "joined". */
	__atomic_store_n(&t->join_word, 1, __ATOMIC_RELAXED);
	t->pool_next = tcb_pool;
	tcb_pool = t;
	spin_unlock_irqrestore(&tcb_lock, f);
}

static void thread_put(struct thread *t)
{
	if (refcount_put(&t->refs))
		tcb_free(t);
}

/* A counted reference to the thread h names, or NULL if it is gone. */
static struct thread *thread_get(struct thread_handle h)
{
	struct thread *t = h.t;

	if (!t || !h.id || !refcount_get_not_zero(&t->refs))
		return NULL;
	if (__atomic_load_n(&t->join_word, __ATOMIC_ACQUIRE) >> 1 == h.id)
		return t;
	thread_put(t);
	return NULL;
}

struct thread *thread_from_handle(struct thread_handle h)
{
	return h.t && h.id && thread_id(h.t) == h.id ? h.t : NULL;
}

static void count_alive(void)
{
	unsigned alive = __atomic_add_fetch(&counts.alive, 1, __ATOMIC_RELAXED);
	unsigned max = __atomic_load_n(&counts.alive_max, __ATOMIC_RELAXED);

	while (alive > max &&
	       !__atomic_compare_exchange_n(&counts.alive_max, &max, alive,
					    true, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	__atomic_fetch_add(&counts.spawned, 1, __ATOMIC_RELAXED);
}

/* The spawn event and up to 24 bytes of the name, 8 per event. */
static __attribute__((cold)) void trace_spawn(struct thread *t, unsigned to)
{
	uint32_t w[6] = {0};

	if (!(trace_mask & 1u << TRG_THREAD))
		return;
	trace(TR_SPAWN, (uint32_t)thread_id(t), (uint32_t)thread_id(sched_current()),
	      (uint32_t)t->prio | to << 8);
	memcpy(w, t->name, MIN(strlen(t->name), sizeof(w)));
	for (unsigned i = 0; i < 3 && (i == 0 || w[2 * i]); i++)
		trace4(TR_NAME, (uint32_t)thread_id(t), w[2 * i], w[2 * i + 1], i);
}

/* What a new thread runs, at the top of its own stack: only its first
 * instructions need it, so the control block does not keep it. */
struct thread_entry {
	long (*fn)(void *);
	void *arg;
};

/* First code of every thread, switched to with IRQs off and the rq lock
 * of its CPU held. */
static void thread_start(void *arg)
{
	struct thread_entry *e = arg;

	sched_finish_switch();
	arch_irq_enable();
	sched_preempt_check();
	thread_exit(e->fn(e->arg));
}

static int check_attr(const struct thread_attr *a, uint64_t *mask,
		      unsigned *npages)
{
	size_t size = a->stack_size ? a->stack_size : THREAD_STACK_DEFAULT;

	*mask = a->affinity == THREAD_AFFINITY_ALL
			? placement_all(cpu_count())
			: a->affinity;
	if (!prio_valid(a->prio) || !placement_mask_valid(*mask, cpu_count()))
		return -EINVAL;
	if (size < THREAD_STACK_MIN || size > THREAD_STACK_MAX)
		return -EINVAL;
	*npages = (unsigned)(ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE);
	return 0;
}

static void thread_setup(struct thread *t, long (*fn)(void *), void *arg,
			 const struct thread_attr *a, uint64_t mask)
{
	const char *name = a->name ? a->name : "thread";
	size_t len = strnlen(name, sizeof(t->name) - 1);
	struct thread_entry *e;
	unsigned long f;

	memcpy(t->name, name, len); /* the rest is zero (tcb_alloc) */
	t->prio = a->prio;
	t->affinity = mask;
	t->rq_node.movable = affinity_movable(mask); /* not queued yet */
	t->cpu = this_cpu()->id;
	t->last_cpu = t->cpu;
	spin_init(&t->lock);
	refcount_set(&t->refs, 2); /* alive + the handle */
	e = (struct thread_entry *)stack_start(&t->stack, thread_id(t)) - 1;
	*e = (struct thread_entry){fn, arg};
	t->sp = arch_stack_init(e, thread_start, e);
	f = spin_lock_irqsave(&threads_lock);
	sched_list_add_tail(&all_threads, &t->all_link);
	spin_unlock_irqrestore(&threads_lock, f);
	count_alive();
}

int thread_spawn(long (*fn)(void *), void *arg, const struct thread_attr *attr,
		 struct thread_handle *out)
{
	return thread_spawn_in(0, fn, arg, attr, out);
}

int thread_spawn_in(unsigned domain, long (*fn)(void *), void *arg,
		    const struct thread_attr *attr, struct thread_handle *out)
{
	struct thread_attr def = THREAD_ATTR_INIT;
	struct thread *t;
	unsigned long f;
	unsigned npages;
	uint64_t mask;
	int rc;

	if (!attr)
		attr = &def;
	if (out) /* a failed spawn leaves a handle that joins as -EINVAL */
		*out = (struct thread_handle){0};
	if (!fn || !out || (rc = check_attr(attr, &mask, &npages))) {
		audit(AUDIT_BAD_ARG, "thread_spawn('%s'): %s", attr->name ?
		      attr->name : "thread", !fn ? "no function" : !out ?
		      "no handle" : "priority, affinity or stack size out of "
		      "range");
		return -EINVAL;
	}
	if (!(t = tcb_alloc()))
		return -ENOMEM;
	if ((rc = stack_alloc(&t->stack, npages))) {
		tcb_free(t);
		return rc;
	}
	t->domain = (uint8_t)domain;
	thread_setup(t, fn, arg, attr, mask);
	*out = (struct thread_handle){.t = t, .id = thread_id(t)};
	f = arch_irq_save();
	t->state = THREAD_WAKING;
	t->wake_time = virt_clock_ns();
	unsigned to = sched_place(t, this_cpu()->id);

	if (trace_on())
		trace_spawn(t, to);
	sched_enqueue(t, to);
	arch_irq_restore(f);
	sched_preempt_check();
	return 0;
}

/* After t's last switch-out (IRQs off, no rq lock): free its stack, tell
 * joiners, drop the "alive" reference. */
void thread_reap(struct thread *t)
{
	stack_free(&t->stack);
	spin_lock(&threads_lock);
	sched_list_del(&all_threads, &t->all_link);
	spin_unlock(&threads_lock);
	__atomic_fetch_sub(&counts.alive, 1, __ATOMIC_RELAXED);
	if (t->domain)
		domain_thread_gone(t->domain, thread_id(t));
	if (t->killed)
		__atomic_fetch_add(&counts.killed, 1, __ATOMIC_RELAXED);
	spin_lock(&t->lock);
	/* Release pairs with the joiner's acquire load: result, killed and
	 * the stack release are visible to it. The wake completes under the
	 * lock: the joiner cannot return (and go) before it. */
	__atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
	if (t->joiner)
		sched_wake(t->joiner);
	spin_unlock(&t->lock);
	thread_put(t);
}

int thread_join(struct thread_handle h, long *result)
{
	struct thread *t = h.t;
	uint64_t expect = h.id * 2;
	unsigned long f;
	int rc;

	if (!t || !h.id) {
		audit(AUDIT_BAD_ARG, "thread_join: the null handle");
		return -EINVAL;
	}
	if (t == sched_current()) {
		if (thread_id(t) != h.id)
			return -ESRCH;
		audit(AUDIT_BAD_ARG, "thread_join: a thread joining itself");
		return -EDEADLK;
	}
	/* One joiner wins the handle's reference; acquire pairs with the
	 * release stores in tcb_alloc(). */
	if (!__atomic_compare_exchange_n(&t->join_word, &expect, h.id * 2 + 1,
					 false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		if (inject_on(INJECT_JOIN_TWICE_OK))
			return 0; /* broken on purpose */
		if (expect != h.id * 2 + 1)
			return -ESRCH;
		audit(AUDIT_BAD_ARG, "thread_join(id %lu): joined already",
		      h.id);
		return -EINVAL;
	}
	f = spin_lock_irqsave(&t->lock);
	t->joiner = sched_current();
	while (!__atomic_load_n(&t->finished, __ATOMIC_ACQUIRE)) {
		/* BLOCKED under the lock thread_reap() wakes us under. */
		__atomic_store_n(&t->joiner->state, THREAD_BLOCKED,
				 __ATOMIC_RELAXED);
		spin_unlock(&t->lock);
		sched_switch(SCHED_BLOCK);
		spin_lock(&t->lock);
	}
	t->joiner = NULL;
	spin_unlock_irqrestore(&t->lock, f);
	rc = t->killed ? -EOWNERDEAD : 0;
	if (!rc && result)
		*result = t->result;
	trace(TR_JOIN, (uint32_t)h.id, (uint32_t)t->result, (uint32_t)-rc);
	__atomic_fetch_add(&counts.joined, 1, __ATOMIC_RELAXED);
	thread_put(t);
	return rc;
}

bool thread_is_finished(struct thread_handle h)
{
	struct thread *t = thread_from_handle(h);

	return !t || __atomic_load_n(&t->finished, __ATOMIC_ACQUIRE);
}

struct thread_handle thread_self(void)
{
	struct thread *t = sched_current();

	return (struct thread_handle){.t = t, .id = thread_id(t)};
}

__noreturn void thread_exit(long result)
{
	struct thread *t;

	arch_irq_disable();
	t = sched_current();
	if (t->is_idle) {
		kprintf("sched: thread_exit() from the idle thread\n");
		arch_halt_forever();
	}
	t->result = result;
	sched_exit_current();
}

void thread_yield(void)
{
	unsigned long f = arch_irq_save();

	if (jump_yield_untimed_on()) /* !sched_yield_reads_clock */
		sched_yield_untimed();
	else
		sched_switch(SCHED_YIELD);
	arch_irq_restore(f);
}

int thread_sleep_until(uint64_t deadline_ns)
{
	unsigned long f = arch_irq_save();
	struct thread *self = sched_current();

	while (virt_clock_ns() < deadline_ns) {
		__atomic_store_n(&self->state, THREAD_BLOCKED, __ATOMIC_RELAXED);
		sched_timer_arm(self, deadline_ns);
		sched_switch(SCHED_BLOCK);
		sched_timer_cancel(self);
	}
	arch_irq_restore(f);
	return 0;
}

int thread_sleep_ns(uint64_t ns)
{
	uint64_t now = virt_clock_ns();

	return thread_sleep_until(ns > UINT64_MAX - now ? UINT64_MAX - 1
							: now + ns);
}

int thread_set_priority(struct thread_handle h, int prio)
{
	struct thread *t;
	int rc;

	if (!prio_valid(prio)) {
		audit(AUDIT_REFUSED, "thread_set_priority(id %lu, %d): not in "
		      "%d..%d", h.id, prio, SCHED_PRIO_MIN, SCHED_PRIO_MAX);
		return -EINVAL;
	}
	if (!(t = thread_get(h)))
		return -ESRCH;
	rc = __atomic_load_n(&t->finished, __ATOMIC_ACQUIRE)
		     ? -ESRCH
		     : sched_set_prio(t, prio);
	thread_put(t);
	return rc;
}

int thread_get_priority(struct thread_handle h)
{
	struct thread *t = thread_from_handle(h);

	return t ? READ_ONCE(t->prio) : -ESRCH;
}

int thread_set_affinity(struct thread_handle h, uint64_t mask)
{
	struct thread *t;
	int rc;

	if (mask == THREAD_AFFINITY_ALL)
		mask = placement_all(cpu_count());
	if (!placement_mask_valid(mask, cpu_count())) {
		audit(AUDIT_REFUSED, "thread_set_affinity(id %lu, 0x%lx): no "
		      "vCPU, or one past the %u present", h.id, mask,
		      cpu_count());
		return -EINVAL;
	}
	if (!(t = thread_get(h)))
		return -ESRCH;
	rc = __atomic_load_n(&t->finished, __ATOMIC_ACQUIRE)
		     ? -ESRCH
		     : sched_set_affinity(t, mask);
	/* Our own mask: return only once on an allowed vCPU. Both reads with
	 * IRQs off, so a migration between them cannot fake "not current". */
	while (!rc) {
		unsigned long f = arch_irq_save();
		bool wrong = t == sched_current() && !((mask >> thread_cpu()) & 1);

		arch_irq_restore(f);
		if (!wrong)
			break;
		thread_yield();
	}
	thread_put(t);
	return rc;
}

int thread_get_stats(struct thread_handle h, struct thread_stats *out)
{
	struct thread *t = thread_from_handle(h);

	if (!t || !out)
		return t ? -EINVAL : -ESRCH;
	const struct thread_acct *a = &t->acct;

	*out = (struct thread_stats){
		.switches_vol = a->switches_vol,
		.switches_preempt = a->switches_preempt, .run_ns = a->run_ns,
		.steal_ns = a->steal_ns, .wakeups = a->wakeups,
		.wake_lat_sum_ns = a->wake_lat_sum_ns,
		.wake_lat_max_ns = a->wake_lat_max_ns,
		.migrations = a->migrations,
		.last_cpu = READ_ONCE(t->last_cpu)};
	out->id = thread_id(t);
	out->prio = READ_ONCE(t->prio);
	out->state = __atomic_load_n(&t->state, __ATOMIC_RELAXED);
	return 0;
}

const char *thread_name(struct thread_handle h)
{
	struct thread *t = thread_from_handle(h);

	return t ? t->name : "?";
}

unsigned thread_cpu(void)
{
	return this_cpu()->id;
}

uint64_t thread_slice_ns(void)
{
	return sched_slice_ns;
}

void thread_get_counts(struct thread_counts *c)
{
	c->spawned = __atomic_load_n(&counts.spawned, __ATOMIC_RELAXED);
	c->joined = __atomic_load_n(&counts.joined, __ATOMIC_RELAXED);
	c->killed = __atomic_load_n(&counts.killed, __ATOMIC_RELAXED);
	c->alive = __atomic_load_n(&counts.alive, __ATOMIC_RELAXED);
	c->alive_max = __atomic_load_n(&counts.alive_max, __ATOMIC_RELAXED);
	c->tcb_bytes = sizeof(struct thread);
}

/* Registry walk for the table printer: lock, next..., unlock. */
void thread_registry_lock(void)
{
	spin_lock(&threads_lock);
}

void thread_registry_unlock(void)
{
	spin_unlock(&threads_lock);
}

struct thread *thread_registry_next(struct thread *prev)
{
	struct sched_link *l = prev ? prev->all_link.next : all_threads.head;

	return l ? container_of(l, struct thread, all_link) : NULL;
}
