/* SPDX-License-Identifier: MIT */
/*
 * Suite "stress": for a fixed time (stress_ms=, default 1500 ms, shorter
 * on slow backends) spawners on every vCPU churn thousands of threads that
 * sleep, yield, spin, change their priority and affinity and take a mutex,
 * while the spawners retune random live children and a monitor checks the
 * run queues. Then: every thread joined exactly once with its own token,
 * never ran outside its mask or twice at once, counters and queues agree.
 */
#include <string.h>

#include "arch.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_NUM("stress_ms", 10, 3600000, 1500,
	       "length of the stress suite, ms"));

#define SPAWNERS_MAX 8
#define SLOTS 512 /* children alive per spawner at most */

struct child {
	uint64_t token;     /* returned by the child, checked at join */
	uint64_t mask;      /* its own affinity, when it manages it */
	uint64_t seed;
	bool remote;        /* its spawner may retune it: no mask check */
	int running;        /* atomic: 1 while inside an operation */
	struct thread_handle h;
	bool live;
};

static struct {
	struct mutex m;
	volatile uint64_t protected_count; /* under m */
	uint64_t mutex_ops;                /* atomic: expected value */
	uint64_t ops, violations, twice, spawned, joined, bad_tokens,
		spawn_errs; /* atomic */
	uint64_t deadline;
	volatile bool stop;
	struct child kids[SPAWNERS_MAX][SLOTS];
} S;

static void count(uint64_t *v)
{
	__atomic_fetch_add(v, 1, __ATOMIC_RELAXED);
}

static uint64_t random_mask(struct st_rng *r)
{
	uint64_t all = placement_all(cpu_count()), m;

	while (!(m = st_rand(r) & all))
		;
	return m;
}

static void child_op(struct child *c, struct st_rng *r)
{
	switch (st_rand(r) % 8) {
	case 0:
		thread_sleep_ns(st_rand(r) % (st_rand(r) % 4 ? 300 * US
								: 20 * MS));
		break;
	case 1:
		thread_yield();
		break;
	case 2:
	case 3:
		mutex_lock(&S.m);
		S.protected_count = S.protected_count + 1;
		count(&S.mutex_ops);
		if (st_rand(r) % 4 == 0)
			thread_yield();
		mutex_unlock(&S.m);
		break;
	case 4:
		thread_set_priority(thread_self(), (int)(st_rand(r) % 24));
		break;
	case 5:
		if (!c->remote) {
			uint64_t m = random_mask(r);

			WRITE_ONCE(c->mask, m);
			thread_set_affinity(thread_self(), m);
		}
		break;
	default:
		st_spin_ns(st_rand(r) % (30 * US));
	}
}

static long child_fn(void *arg)
{
	struct child *c = arg;
	struct st_rng r = {c->seed | 1};
	unsigned n = 1 + (unsigned)(st_rand(&r) % 24), i;

	for (i = 0; i < n && !READ_ONCE(S.stop); i++) {
		if (__atomic_exchange_n(&c->running, 1, __ATOMIC_ACQUIRE))
			count(&S.twice);
		if (!c->remote && !((READ_ONCE(c->mask) >> thread_cpu()) & 1))
			count(&S.violations);
		child_op(c, &r);
		__atomic_store_n(&c->running, 0, __ATOMIC_RELEASE);
		count(&S.ops);
	}
	return (long)c->token;
}

static void reap(struct child *c)
{
	long r = 0;

	if (thread_join(c->h, &r) || (uint64_t)r != c->token)
		count(&S.bad_tokens);
	else
		count(&S.joined);
	c->live = false;
}

static void start_child(struct child *c, struct st_rng *r, uint64_t token)
{
	struct thread_attr a = THREAD_ATTR_INIT;

	c->token = token;
	c->seed = st_rand(r);
	c->remote = st_rand(r) % 8 == 0;
	c->mask = random_mask(r);
	c->running = 0;
	a.name = c->remote ? "stress-remote" : "stress";
	a.prio = (int)(st_rand(r) % 24);
	a.affinity = c->mask;
	a.stack_size = st_rand(r) % 2 ? 4096 : 8192;
	if (thread_spawn(child_fn, c, &a, &c->h)) {
		count(&S.spawn_errs);
		return;
	}
	c->live = true;
	count(&S.spawned);
}

static long spawner_fn(void *arg)
{
	unsigned id = (unsigned)(uintptr_t)arg, i = 0;
	struct child *kids = S.kids[id];
	struct st_rng r = {0x9e3779b97f4a7c15ull * (id + 1)};
	uint64_t token = (uint64_t)id << 40;

	while (virt_clock_ns() < S.deadline) {
		struct child *c = &kids[i];

		if (c->live && thread_is_finished(c->h))
			reap(c);
		if (!c->live)
			start_child(c, &r, ++token);
		else if (c->remote && st_rand(&r) % 4 == 0) {
			thread_set_priority(c->h, (int)(st_rand(&r) % 24));
			thread_set_affinity(c->h, random_mask(&r));
		}
		i = (i + 1) % SLOTS;
		if (i == 0)
			thread_sleep_ns(200 * US);
	}
	S.stop = true;
	for (i = 0; i < SLOTS; i++)
		if (kids[i].live)
			reap(&kids[i]);
	return 0;
}

static char why[128];

static long monitor_fn(void *arg)
{
	unsigned *bad = arg;

	while (virt_clock_ns() < S.deadline) {
		if (sched_check_invariants(why, sizeof(why)) && !(*bad)++)
			report(false, "stress.invariants_live", "%s", why);
		thread_sleep_ns(5 * MS);
	}
	return 0;
}

static void suite_stress(void)
{
	struct thread_handle hs[SPAWNERS_MAX], hm;
	struct thread_counts c0, c1;
	unsigned n = MIN(cpu_count(), (unsigned)SPAWNERS_MAX), i, bad = 0;
	uint64_t ms;

	ms = MAX(option_u64("stress_ms") / st_slowdown(), 100ull);
	memset(&S, 0, sizeof(S));
	mutex_init(&S.m);
	thread_get_counts(&c0);
	S.deadline = virt_clock_ns() + ms * MS;
	st_spawn(monitor_fn, &bad, "monitor", 25, 0, &hm);
	for (i = 0; i < n; i++)
		st_spawn(spawner_fn, (void *)(uintptr_t)i, "spawner", 16, 0,
			 &hs[i]);
	for (i = 0; i < n; i++)
		thread_join(hs[i], NULL);
	thread_join(hm, NULL);
	thread_get_counts(&c1);
	report(S.spawned && S.spawned == S.joined && !S.bad_tokens &&
		       c1.alive == c0.alive,
	       "stress.all_joined_once", "spawned %lu joined %lu, %lu bad "
	       "tokens, alive %u -> %u", S.spawned, S.joined, S.bad_tokens,
	       c0.alive, c1.alive);
	report(!S.violations, "stress.affinity", "%lu operations outside the "
	       "thread's mask", S.violations);
	report(!S.twice, "stress.never_twice", "%lu times a thread ran twice "
	       "at once", S.twice);
	report(S.protected_count == S.mutex_ops, "stress.mutex_exact",
	       "counter %lu, %lu increments", S.protected_count, S.mutex_ops);
	report(!bad && !sched_check_invariants(why, sizeof(why)),
	       "stress.invariants", "%u live failures; at the end: %s", bad,
	       bad ? "-" : why);
	report_info("stress", "%lu ms on %u vCPUs: %lu threads spawned and "
		    "joined, %lu operations, most alive at once %u, %lu spawn "
		    "failures (out of memory)", ms, cpu_count(), S.joined,
		    S.ops, c1.alive_max, S.spawn_errs);
}
SUITE("stress", suite_stress);
