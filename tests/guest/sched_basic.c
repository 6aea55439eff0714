/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched": spawn/join of many threads with return values, join
 * semantics, every bad-argument case of the thread API, stack sizes.
 */
#include <string.h>

#include "arch.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

static long ret_arg3(void *arg)
{
	return (long)(uintptr_t)arg * 3 + 1;
}

/* 10,000 threads (scaled on slow backends), at most 64 alive at once. */
static void spawn_join_many(void)
{
	enum { BATCH = 64 };
	unsigned n = st_scale(10000, 200), done = 0, bad = 0, errs = 0, i;
	struct thread_handle h[BATCH];
	bool spawned[BATCH];
	uint64_t t0 = virt_clock_ns();

	while (done < n) {
		unsigned k = MIN(n - done, (unsigned)BATCH);

		for (i = 0; i < k; i++) {
			spawned[i] = !thread_spawn(ret_arg3,
						   (void *)(uintptr_t)(done + i),
						   NULL, &h[i]);
			errs += !spawned[i];
		}
		/* A failed spawn (-ENOMEM when RAM is short) leaves its
		 * handle unset: only join what was spawned. */
		for (i = 0; i < k; i++) {
			long r = -1;

			if (spawned[i] && (thread_join(h[i], &r) ||
					   r != (long)(done + i) * 3 + 1))
				bad++;
		}
		done += k;
	}
	report(!errs && !bad, "sched.spawn_join_many",
	       "%u threads: %u spawn errors, %u bad joins", n, errs, bad);
	report_info("sched.spawn_join_many", "%u threads, %lu ns per "
		    "spawn+join", n, (virt_clock_ns() - t0) / n);
}

static long exit_deep(void *arg)
{
	thread_exit(77);
}

/* Blocks until its semaphore is posted, then sleeps 5 ms. */
static long sleepy(void *arg)
{
	sem_wait(arg);
	thread_sleep_ns(5 * MS);
	return 5;
}

static void join_semantics(void)
{
	struct thread_handle h, self = thread_self();
	struct sem go = SEM_INIT(0);
	struct thread_attr a;
	long r = 0;
	int rc;

	report(thread_spawn(exit_deep, NULL, NULL, &h) == 0 &&
		       thread_join(h, &r) == 0 && r == 77,
	       "sched.thread_exit_value", "r=%ld", r);
	/* -EINVAL while the handle's slot still says "joined", -ESRCH once
	 * the control block is reused: either way, one call must fail. */
	rc = thread_join(h, &r);
	report(rc == -EINVAL || rc == -ESRCH, "sched.join_twice",
	       "second join returned %d", rc);
	report(thread_join(self, &r) == -EDEADLK, "sched.join_self",
	       "joining yourself must be -EDEADLK");
	report(thread_join((struct thread_handle){0}, &r) == -EINVAL,
	       "sched.join_null", "null handle");
	/* Blocked until we post: not finished, however long the host
	 * deschedules us between the spawn and the check. Its name is cut
	 * to THREAD_NAME_MAX - 1 characters. */
	thread_attr_init(&a);
	a.name = "sleepy-0123456789abcdefghij";
	st_need(thread_spawn(sleepy, &go, &a, &h), "sleepy");
	report(!strncmp(thread_name(h), a.name, THREAD_NAME_MAX - 1) &&
		       strlen(thread_name(h)) == THREAD_NAME_MAX - 1 &&
		       !strcmp(thread_name(self), "main") &&
		       !strcmp(thread_name((struct thread_handle){0}), "?"),
	       "sched.thread_name", "'%s', self '%s', null handle '%s'",
	       thread_name(h), thread_name(self),
	       thread_name((struct thread_handle){0}));
	report(!thread_is_finished(h), "sched.not_finished_yet",
	       "finished while blocked on a semaphore");
	sem_post(&go);
	report(thread_join(h, &r) == 0 && r == 5, "sched.join_sleeper",
	       "r=%ld", r);
	report(thread_is_finished(h), "sched.finished_after_join",
	       "joined thread not finished");
	report(thread_set_priority(h, 3) == -ESRCH &&
		       thread_set_affinity(h, 1) == -ESRCH,
	       "sched.stale_handle", "calls on a joined thread must fail");
}

static void bad_args(void)
{
	struct thread_attr a;
	struct thread_handle h;
	unsigned n = cpu_count(), bad = 0;

#define EXPECT(call, err)                                                  \
	do {                                                               \
		int rc_ = (call);                                          \
		if (rc_ != (err)) {                                        \
			bad++;                                             \
			report(false, "sched.bad_args", "%s returned %d, "  \
			       "expected %d", #call, rc_, (err));          \
		}                                                          \
	} while (0)
	thread_attr_init(&a);
	h = thread_self(); /* a failed spawn must overwrite it */
	EXPECT(thread_spawn(NULL, NULL, &a, &h), -EINVAL);
	EXPECT(thread_join(h, NULL), -EINVAL);
	EXPECT(thread_spawn(ret_arg3, NULL, &a, NULL), -EINVAL);
	a.prio = SCHED_PRIO_MIN - 1;
	EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	a.prio = SCHED_PRIO_MAX + 1;
	EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	thread_attr_init(&a);
	a.affinity = 0;
	EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	if (n < 64) {
		a.affinity = 1ull << n;
		EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	}
	thread_attr_init(&a);
	a.stack_size = THREAD_STACK_MIN - 1;
	EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	a.stack_size = THREAD_STACK_MAX + 1;
	EXPECT(thread_spawn(ret_arg3, NULL, &a, &h), -EINVAL);
	h = thread_self();
	EXPECT(thread_set_priority(h, -1), -EINVAL);
	EXPECT(thread_set_priority(h, SCHED_PRIO_MAX + 1), -EINVAL);
	EXPECT(thread_set_affinity(h, 0), -EINVAL);
	if (n < 64)
		EXPECT(thread_set_affinity(h, 1ull << n), -EINVAL);
	EXPECT(thread_get_stats(h, NULL), -EINVAL);
#undef EXPECT
	report(!bad, "sched.bad_args", "%u cases wrong", bad);
}

static long touch_stack(void *arg)
{
	size_t len = (uintptr_t)arg;
	volatile char buf[1024];
	unsigned i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)i;
	return (long)len + buf[7];
}

static void stack_sizes(void)
{
	static const size_t sizes[] = {THREAD_STACK_MIN, 5000, 12288,
				       THREAD_STACK_MAX};
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	unsigned i, ok = 0;
	long r;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		a.stack_size = sizes[i];
		if (!thread_spawn(touch_stack, (void *)(uintptr_t)sizes[i], &a,
				  &h) &&
		    !thread_join(h, &r) && r == (long)sizes[i] + 7)
			ok++;
	}
	report(ok == ARRAY_SIZE(sizes), "sched.stack_sizes",
	       "%u of %u sizes worked", ok, (unsigned)ARRAY_SIZE(sizes));
}

static void suite_sched(void)
{
	struct thread_stats st;

	report(thread_get_stats(thread_self(), &st) == 0 &&
		       st.last_cpu == thread_cpu(),
	       "sched.self_stats", "last_cpu %u, running on %u", st.last_cpu,
	       thread_cpu());
	join_semantics();
	bad_args();
	stack_sizes();
	spawn_join_many();
}
SUITE("sched", suite_sched);

/* Not in test=all: the `demo` workload and its thread table. */
static void suite_demo(void)
{
	struct thread_counts c0, c1;

	thread_get_counts(&c0);
	sched_demo();
	thread_get_counts(&c1);
	report(c1.alive == c0.alive && c1.joined == c0.joined + 6,
	       "sched_demo.all_joined", "alive %u -> %u", c0.alive, c1.alive);
}
SUITE_EX("sched_demo", suite_demo, 1, false);
