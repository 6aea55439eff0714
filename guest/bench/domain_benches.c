/* SPDX-License-Identifier: MIT */
/*
 * Domain benchmarks: what isolation costs, beside the kernel-thread
 * figures of sched_benches.c. Threads run in user mode in two domains
 * (guest/domain) and stamp in user mode (domain_benches.user.c):
 * - dom_stamp: two user-mode stamps back to back (the clock's own cost,
 *   and all of the work that stays in user mode);
 * - dom_syscall: a null system call's round trip;
 * - dom_yield: yield between two threads of one domain on one vCPU (to
 *   the other's first user-mode instruction): the kernel's yield plus the
 *   two privilege changes;
 * - dom_switch: the same between two domains: plus the address-space
 *   switch (CR3 with PCID / TTBR0 with ASID);
 * - dom_wake: a futex semaphore post in one domain to the waiter in
 *   another running, across vCPUs (the page is shared).
 */
#include "arch.h"
#include "guest/bench/bench.h"
#include "guest/bench/pin.h"
#include "guest/domain/domain.h"
#include "guest/sched/thread.h"

#include "guest/bench/domain_benches.h"

#define PRIO_HIGH (SCHED_PRIO_MAX - 1)

static struct {
	struct domain *a, *b;
	uintptr_t job_a, job_b;   /* the block in a and in b */
	struct dbench_job *head;  /* its first page, the kernel's view */
	size_t bytes;
} dp;

static void teardown(struct bench_ctx *c)
{
	if (dp.b) /* first: it maps a's block */
		domain_destroy(dp.b);
	if (dp.a)
		domain_destroy(dp.a);
	dp.a = dp.b = NULL;
}

static int setup(struct bench_ctx *c)
{
	int rc;

	dp.bytes = ALIGN_UP(sizeof(struct dbench_job) +
				    (size_t)c->iters * sizeof(uint64_t),
			    PAGE_SIZE);
	/* Quota: the block, two default stacks, room to spare. */
	rc = domain_create("bench-a", dp.bytes + 256 * 1024, 4, &dp.a);
	if (!rc)
		rc = domain_create("bench-b", 256 * 1024, 4, &dp.b);
	if (!rc)
		rc = domain_alloc(dp.a, dp.bytes, SYS_PROT_WRITE, &dp.job_a);
	if (!rc)
		rc = domain_share(dp.a, dp.job_a, dp.bytes, dp.b,
				  SYS_PROT_WRITE, &dp.job_b);
	if (rc) { /* -ENODEV: no user mode here (the runner skips) */
		teardown(c);
		return rc;
	}
	dp.head = domain_kptr(dp.a, dp.job_a, sizeof(*dp.head));
	*dp.head = (struct dbench_job){.rounds = c->iters,
				       .clock = arch_user_clock()};
	return 0;
}

static int spawn(struct domain *d, void (*fn)(long), uintptr_t job,
		 unsigned cpu, struct thread_handle *h)
{
	struct thread_attr a = THREAD_ATTR_INIT;

	a.name = "bench-user";
	a.prio = PRIO_HIGH;
	a.affinity = 1ull << cpu;
	return domain_spawn(d, fn, job, &a, h);
}

/* Run fn_a in a (and fn_b in b2, if any) on those vCPUs; join; then the
 * samples into c. */
static void run(struct bench_ctx *c, void (*fn_a)(long), unsigned cpu_a,
		void (*fn_b)(long), struct domain *b2, unsigned cpu_b)
{
	int old = bench_boost_self();
	struct thread_handle ha, hb;
	uintptr_t job_b2 = b2 == dp.a ? dp.job_a : dp.job_b;
	bool b_ok = false;
	uint32_t n;

	if (fn_b)
		b_ok = !spawn(b2, fn_b, job_b2, cpu_b, &hb);
	if (!spawn(dp.a, fn_a, dp.job_a, cpu_a, &ha))
		thread_join(ha, NULL);
	if (b_ok)
		thread_join(hb, NULL);
	thread_set_priority(thread_self(), old);
	n = MIN(dp.head->nsamples, dp.head->rounds);
	for (uint32_t i = 0; i < n; i++) {
		uintptr_t at = dp.job_a + offsetof(struct dbench_job, samples) +
			       i * sizeof(uint64_t);
		uint64_t *s = domain_kptr(dp.a, at, sizeof(*s));

		if (s)
			bench_sample(c, *s);
	}
}

static void stamp_run(struct bench_ctx *c)
{
	run(c, ub_stamp, bench_cpu_a(), NULL, NULL, 0);
}

static void syscall_run(struct bench_ctx *c)
{
	run(c, ub_null, bench_cpu_a(), NULL, NULL, 0);
}

static void yield_run(struct bench_ctx *c)
{
	run(c, ub_yield, bench_cpu_a(), ub_yield, dp.a, bench_cpu_a());
}

static void switch_run(struct bench_ctx *c)
{
	run(c, ub_yield, bench_cpu_a(), ub_yield, dp.b, bench_cpu_a());
}

static void wake_run(struct bench_ctx *c)
{
	run(c, ub_poster, bench_cpu_a(), ub_waiter, dp.b, bench_cpu_b());
}

/* Each "what" short: the BENCH line carries it, and with the figures of
 * a slow backend it must stay within the console's 511-byte line. */
const struct bench bench_domains[] = {
	{"dom_stamp", "two user-mode clock reads back to back", setup,
	 stamp_run, teardown, 20000, 0, 1, 0},
	{"dom_syscall", "null system call round trip from user mode", setup,
	 syscall_run, teardown, 20000, 0, 1, 0},
	{"dom_yield", "user-mode yield, same domain, one vCPU", setup,
	 yield_run, teardown, 20000, 0, 1, 0},
	{"dom_switch", "user-mode yield to another domain, one vCPU", setup,
	 switch_run, teardown, 20000, 0, 1, 0},
	{"dom_wake", "futex post to a waiter in another domain, other vCPU",
	 setup, wake_run, teardown, 10000, 0, 2, 0},
};
const unsigned bench_domains_count = ARRAY_SIZE(bench_domains);
