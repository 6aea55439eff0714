/* SPDX-License-Identifier: MIT */
/*
 * Suite "domains": isolation domains (guest/domain/domain.h), each rule
 * proved by breaking it from user mode (domains.user.c):
 * - domains.hello: a thread in ring 3 / EL0 writes to the console through
 *   a system call and returns a result its joiner gets.
 * - domains.mutex: user threads spawned and joined from user mode share a
 *   futex mutex across vCPUs: no increment lost.
 * - domains.kernel_read, .kernel_write, .cross_read, .cross_write,
 *   .user_to_kernel_jump, .nx_execute, .ro_write, .unmapped_read,
 *   .privileged: the access kills the thread (joined as -EOWNERDEAD, with
 *   a report and an audit record); the other domain's page is unchanged.
 * - domains.survivors: a thread of each domain spinning meanwhile kept
 *   running through all of it.
 * - domains.entry_jump: a jump to the kernel's trap entry from user mode
 *   is the kernel-memory execute it is (x86: not a system call).
 * - domains.bad_pointer: system calls given kernel, unmapped, other-domain
 *   and misaligned pointers return -EFAULT / -EINVAL; a bad number -ENOSYS.
 * - domains.spawn_priority: no spawn above the spawner's priority.
 * - domains.self_join: a thread joining itself gets -EDEADLK, and its
 *   handle stays joinable.
 * - domains.quota: memory and thread quotas refuse with -EDQUOT, from user
 *   mode and from the kernel API, and the audit log counts it.
 * - domains.cross_wake: two domains sharing one page hand a semaphore pair
 *   back and forth (futexes keyed by physical page).
 * - domains.layout: each domain's layout starts at its own random offset
 *   (INFO domains.layout lists them; tests/hostkit compares boots).
 * - domains.kernel_guard: the kernel itself faults reading a user page
 *   (SMAP / PAN) and executing one (SMEP / PXN), where the CPU has them.
 * - domains.teardown: destroying a domain returns every page it took
 *   (page counts before and after); -EBUSY while a thread lives.
 * - domains.bad_args: the kernel API refuses bad arguments.
 */
#include <string.h>
#include "arch.h"
#include "guest/audit.h"
#include "guest/domain/domain.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/domains_prog.h"
#include "tests/guest/sched_util.h"

#define QUOTA (256 * 1024)

/* A page of d for a program's block, zeroed: its user address, and the
 * kernel's pointer to it in *k. */
static uintptr_t block(struct domain *d, void **k)
{
	uintptr_t uva = 0;

	if (domain_alloc(d, PAGE_SIZE, SYS_PROT_WRITE, &uva))
		test_stop("domains", "no memory in domain");
	*k = domain_kptr(d, uva, PAGE_SIZE);
	return uva;
}

static long run(struct domain *d, const void *fn, uintptr_t arg,
		uint64_t affinity, int *rc)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	long result = -1;

	a.name = "user";
	a.affinity = affinity;
	*rc = domain_spawn(d, fn, arg, &a, &h);
	if (!*rc)
		*rc = thread_join(h, &result);
	return result;
}

static int spawn(struct domain *d, const void *fn, uintptr_t arg,
		 uint64_t affinity, struct thread_handle *h)
{
	struct thread_attr a = THREAD_ATTR_INIT;

	a.name = "user";
	a.affinity = affinity;
	return domain_spawn(d, fn, arg, &a, h);
}

static uint64_t audit_count(enum audit_kind k)
{
	struct audit_counts c;

	audit_get_counts(&c);
	return c.count[k];
}

static void check_hello(struct domain *a)
{
	int rc;
	long r = run(a, u_hello, 41, THREAD_AFFINITY_ALL, &rc);

	report(rc == 0 && r == 42, "domains.hello", "join %d, result %ld", rc,
	       r);
}

static void check_mutex(struct domain *a)
{
	struct counter_job *j;
	uintptr_t uva = block(a, (void **)&j);
	unsigned rounds = st_scale(200, 20);
	int rc;
	long r;

	j->workers = 4;
	j->rounds = rounds;
	r = run(a, u_counter, uva, THREAD_AFFINITY_ALL, &rc);
	report(rc == 0 && r == 0 && j->value == 4ull * rounds &&
		       !j->spawn_fail, "domains.mutex",
	       "join %d, result %ld, value %lu of %u, spawn failures %lu", rc,
	       r, j->value, 4 * rounds, j->spawn_fail);
}

struct rule {
	const char *name;
	enum poke_mode mode;
	uintptr_t addr;
};

/* The access the kernel must report for mode. */
static bool access_is(enum poke_mode mode, const char *access)
{
	static const char *const want[] = {
		[POKE_READ] = "read", [POKE_WRITE] = "write",
		[POKE_EXEC] = "execute", [POKE_PRIV] = "privileged",
	};

	return access && !strncmp(access, want[mode], strlen(want[mode]));
}

static uint64_t kernel_secret = 0x1234567890abcdefull;

/* Where a trap from user mode enters the kernel. */
#if defined(__x86_64__)
extern char syscall_entry[];
#define kernel_entry syscall_entry
#elif defined(__aarch64__)
extern char vectors[];
#define kernel_entry vectors
#else
extern char trap_entry[];
#define kernel_entry trap_entry
#endif

/* Whether this CPU reports fault addresses: a fault of the kernel's own,
 * at an address never mapped. (Nested under Xen in QEMU with many vCPUs,
 * x86's CR2 has read 0 for every fault.) */
static bool fault_addresses_reported(void)
{
	volatile uint64_t *p = (volatile uint64_t *)stack_never_mapped();
	unsigned long f = arch_irq_save(); /* one CPU's fault state */
	uintptr_t got = 0;

	if (arch_fault_try()) {
		got = arch_fault_addr();
	} else {
		(void)*p;
		arch_fault_end();
	}
	arch_irq_restore(f);
	return got == (uintptr_t)p;
}

static void check_rules(struct domain *a, struct domain *b)
{
	struct spin_job *sa, *sb;
	uintptr_t ua = block(a, (void **)&sa), ub = block(b, (void **)&sb);
	uint64_t *bdata;
	uintptr_t bpage = block(b, (void **)&bdata);
	uint64_t *adata;
	uintptr_t apage = block(a, (void **)&adata);
	struct thread_handle ha, hb;
	uint64_t t0a, t0b, faults0 = audit_count(AUDIT_DOMAIN_FAULT);
	struct domain_stats st0, st1;
	unsigned n = 0;

	*bdata = 0xb0b0b0b0b0b0b0b0ull;
	if (spawn(a, u_spin, ua, THREAD_AFFINITY_ALL, &ha) ||
	    spawn(b, u_spin, ub, THREAD_AFFINITY_ALL, &hb))
		test_stop("domains.survivors", "cannot spawn the spinners");
	domain_get_stats(a, &st0);

	const struct rule rules[] = {
		{"domains.kernel_read", POKE_READ, (uintptr_t)&kernel_secret},
		{"domains.kernel_write", POKE_WRITE,
		 (uintptr_t)&kernel_secret},
		{"domains.cross_read", POKE_READ, bpage},
		{"domains.cross_write", POKE_WRITE, bpage},
		{"domains.user_to_kernel_jump", POKE_EXEC,
		 (uintptr_t)kernel_main},
		{"domains.nx_execute", POKE_EXEC, apage},
		{"domains.ro_write", POKE_WRITE, domain_user_addr(a, u_hello)},
		{"domains.unmapped_read", POKE_READ, apage + 64 * PAGE_SIZE},
		{"domains.privileged", POKE_PRIV, 0},
		{"domains.entry_jump", POKE_EXEC, (uintptr_t)kernel_entry},
	};
	struct poke *p;
	uintptr_t up = block(a, (void **)&p);
	bool addrs = fault_addresses_reported();

	if (!addrs)
		report_info("domains.fault_address", "this CPU does not report "
			    "fault addresses (a kernel fault's read 0x%lx): "
			    "the kills' addresses are not checked",
			    arch_fault_addr());
	if (domain_kptr(a, apage + 64 * PAGE_SIZE, 1))
		test_stop("domains.unmapped_read", "its page is mapped");

	for (unsigned i = 0; i < ARRAY_SIZE(rules); i++) {
		uint64_t f0 = audit_count(AUDIT_DOMAIN_FAULT);
		struct domain_stats st;
		int rc;
		long r;

		*p = (struct poke){.mode = rules[i].mode,
				   .addr = rules[i].addr};
		r = run(a, u_poke, up, THREAD_AFFINITY_ALL, &rc);
		domain_get_stats(a, &st);
		n += rc == -EOWNERDEAD;
		/* Killed for this access at this address (privileged: at its
		 * own instruction), with an audit record. */
		report(rc == -EOWNERDEAD &&
			       access_is(rules[i].mode, st.last_fault_access) &&
			       (rules[i].mode == POKE_PRIV || !addrs ||
				st.last_fault_addr == rules[i].addr) &&
			       audit_count(AUDIT_DOMAIN_FAULT) == f0 + 1,
		       rules[i].name, "join %d (result %ld, read 0x%lx), "
		       "killed for %s at 0x%lx, audit records %lu", rc, r,
		       p->seen, rc == -EOWNERDEAD ? st.last_fault_access : "-",
		       st.last_fault_addr, audit_count(AUDIT_DOMAIN_FAULT) - f0);
	}
	report(*bdata == 0xb0b0b0b0b0b0b0b0ull && kernel_secret ==
		       0x1234567890abcdefull, "domains.untouched",
	       "domain b's page 0x%lx, kernel 0x%lx", *bdata, kernel_secret);
	domain_get_stats(a, &st1);
	t0a = sa->ticks;
	t0b = sb->ticks;
	thread_sleep_ns(2 * MS);
	for (unsigned i = 0; i < 1000 && (sa->ticks == t0a ||
					  sb->ticks == t0b); i++)
		thread_sleep_ns(1 * MS);
	bool moving = sa->ticks != t0a && sb->ticks != t0b;
	long ra = -1, rb = -1;

	sa->stop = sb->stop = 1;
	int ja = thread_join(ha, &ra), jb = thread_join(hb, &rb);

	report(moving && !ja && !jb && ra == 1 && rb == 1 &&
		       st1.faults - st0.faults == n &&
		       audit_count(AUDIT_DOMAIN_FAULT) - faults0 == n,
	       "domains.survivors", "spinners moving %d, joins %d/%d, results "
	       "%ld/%ld, domain faults %lu of %u kills", moving, ja, jb, ra,
	       rb, st1.faults - st0.faults, n);
}

static void check_bad_pointer(struct domain *a, struct domain *b)
{
	struct badptr_job *j;
	uintptr_t uva = block(a, (void **)&j);
	void *k;
	static const long want[11] = {-EFAULT, -EFAULT, -EFAULT, -EFAULT,
				      -EFAULT, -EFAULT, -EINVAL, -ENOSYS,
				      -EPERM, -EDEADLK, 0};
	unsigned bad = 0;
	int rc;
	long r;

	j->kernel_addr = (uintptr_t)&kernel_secret;
	j->unmapped_addr = uva + 64 * PAGE_SIZE;
	j->other_addr = block(b, &k);
	if (domain_kptr(a, j->unmapped_addr, 1))
		test_stop("domains.bad_pointer", "0x%lx is mapped",
			  j->unmapped_addr);
	r = run(a, u_badptr, uva, THREAD_AFFINITY_ALL, &rc);
	for (unsigned i = 0; i < 8; i++)
		bad += j->results[i] != want[i];
	report(rc == 0 && r == 0 && !bad, "domains.bad_pointer",
	       "join %d, results %ld %ld %ld %ld %ld %ld %ld %ld", rc,
	       j->results[0], j->results[1], j->results[2], j->results[3],
	       j->results[4], j->results[5], j->results[6], j->results[7]);
	report(j->results[8] == want[8], "domains.spawn_priority",
	       "a spawn above the spawner's priority: %ld", j->results[8]);
	report(j->results[9] == want[9] && j->results[10] == 0,
	       "domains.self_join", "joining itself %ld, then its spawner's "
	       "join %ld", j->results[9], j->results[10]);
}

static void check_quota(void)
{
	struct domain *q;
	struct quota_job *j;
	struct thread_handle h[3];
	uint64_t a0 = audit_count(AUDIT_QUOTA);
	int rc, k0, k1 = -1;
	long r;

	struct domain_stats s0, s1;

	if (domain_create("quota", 128 * 1024, 2, &q))
		test_stop("domains.quota", "cannot create the domain");
	uintptr_t uva = block(q, (void **)&j);

	domain_get_stats(q, &s0);
	r = run(q, u_quota, uva, THREAD_AFFINITY_ALL, &rc);
	/* From the kernel: two threads fit, the third does not. */
	struct spin_job *sj;
	uintptr_t suva = block(q, (void **)&sj);

	k0 = spawn(q, u_spin, suva, THREAD_AFFINITY_ALL, &h[0]);
	if (!k0)
		k1 = spawn(q, u_spin, suva, THREAD_AFFINITY_ALL, &h[1]);
	int k2 = spawn(q, u_idle, 0, THREAD_AFFINITY_ALL, &h[2]);
	long x;

	sj->stop = 1;
	if (!k0)
		thread_join(h[0], &x);
	if (!k1)
		thread_join(h[1], &x);
	if (!k2)
		thread_join(h[2], &x);
	domain_get_stats(q, &s1);
	/* One memory refusal (the user's big alloc), two thread ones (the
	 * user's third thread, the kernel's). */
	report(rc == 0 && r == 0 && j->alloc_ok > 0 &&
		       j->alloc_over == -EDQUOT && j->spawn_ok >= 0 &&
		       j->spawn_over == -EDQUOT && !k0 && !k1 &&
		       k2 == -EDQUOT && s1.refusals - s0.refusals == 1 &&
		       s1.thread_refusals - s0.thread_refusals == 2 &&
		       audit_count(AUDIT_QUOTA) - a0 == 3,
	       "domains.quota", "join %d result %ld; user: alloc %ld then "
	       "%ld, spawn %ld then %ld; kernel: spawn %d %d %d; refused "
	       "memory %lu threads %lu, audit %lu", rc, r, j->alloc_ok,
	       j->alloc_over, j->spawn_ok, j->spawn_over, k0, k1, k2,
	       s1.refusals - s0.refusals,
	       s1.thread_refusals - s0.thread_refusals,
	       audit_count(AUDIT_QUOTA) - a0);
	rc = domain_destroy(q);
	report(rc == 0, "domains.quota_destroy", "destroy %d", rc);
}

static void check_cross_wake(struct domain *a, struct domain *b)
{
	struct ping_job *j;
	uintptr_t ua = block(a, (void **)&j), ub = 0;
	struct thread_handle hp, hq;
	unsigned two = cpu_count() > 1;
	long rp = -1, rq = -1;
	int rc, jp = -1, jq = -1;

	j->rounds = st_scale(200, 20);
	rc = domain_share(a, ua, PAGE_SIZE, b, SYS_PROT_WRITE, &ub);
	if (!rc)
		rc = spawn(a, u_ping, ua, 1, &hp);
	if (!rc) {
		rc = spawn(b, u_pong, ub, 1ull << two, &hq);
		if (rc) /* u_ping would wait for good */
			test_stop("domains.cross_wake", "no pong thread: %d", rc);
		jq = thread_join(hq, &rq);
		jp = thread_join(hp, &rp);
	}
	report(rc == 0 && jp == 0 && jq == 0 && rp == 0 && rq == 0,
	       "domains.cross_wake", "share/spawn %d, joins %d/%d, results "
	       "%ld/%ld, %u rounds on vCPUs 0 and %u", rc, jp, jq, rp, rq,
	       j->rounds, two);
}

static void check_layout(struct domain *a, struct domain *b)
{
	struct domain_stats sa, sb;
	uintptr_t region = arch_user_area_size() / DOMAIN_MAX;
	uintptr_t oa, ob;

	domain_get_stats(a, &sa);
	domain_get_stats(b, &sb);
	oa = (sa.base - arch_user_area_base()) % region;
	ob = (sb.base - arch_user_area_base()) % region;
	report_info("domains.layout", "%lx %lx (%u bits each)", oa, ob,
		    sa.layout_bits);
	if (option_bool("domain_random"))
		report(sa.layout_bits >= 16 && oa != ob, "domains.layout",
		       "offsets 0x%lx 0x%lx, %u bits", oa, ob, sa.layout_bits);
	else
		report(!sa.layout_bits && !oa && !ob, "domains.layout",
		       "domain_random=off: offsets 0x%lx 0x%lx", oa, ob);
}

static void check_kernel_guard(struct domain *a)
{
	unsigned g = arch_user_guards();
	uintptr_t code = domain_user_addr(a, u_nop);
	struct domain_stats st;
	volatile uint64_t *data;
	uintptr_t uva;
	int read_fault = 0, exec_fault = 0;
	uint64_t seen = 0;
	unsigned long f;

	report_info("domains.hw", "%s", arch_user_describe());
	if (domain_alloc(a, PAGE_SIZE, SYS_PROT_WRITE, &uva))
		test_stop("domains.kernel_guard", "no memory");
	data = (volatile uint64_t *)uva;
	*(uint64_t *)domain_kptr(a, uva, 8) = 0x600d600d600d600dull;
	domain_get_stats(a, &st);
	/* a's tables on this CPU, as after one of its threads ran here. */
	f = arch_irq_save();
	domain_switch_in(st.slot, stack_top(&sched_current()->stack));
	/* Where the guard is off (inject=user_guards_off), the read gets
	 * the page's value: it is mapped and its tables loaded, so the
	 * fault here is the guard's. */
	if (g & ARCH_USER_RW_GUARD) {
		if (!(read_fault = arch_fault_try()))
			seen = *data;
		arch_fault_end();
	}
	if (g & ARCH_USER_NX_GUARD) {
		if (!(exec_fault = arch_fault_try()))
			((void (*)(void))code)();
		arch_fault_end();
	}
	arch_irq_restore(f);
	if (g & ARCH_USER_RW_GUARD)
		report(read_fault != 0, "domains.kernel_guard_read",
		       "kernel read of a user page: fault %d (read 0x%lx)",
		       read_fault, seen);
	else
		report_skip("domains.kernel_guard_read", "no SMAP / PAN here");
	if (g & ARCH_USER_NX_GUARD)
		report(exec_fault != 0, "domains.kernel_guard_exec",
		       "kernel call into a user page: fault %d", exec_fault);
	else
		report_skip("domains.kernel_guard_exec", "no SMEP / PXN here");
}

static void teardown_round(uint64_t *free_after, int *busy_rc, int *rc)
{
	struct domain *t;
	struct thread_handle h;
	struct spin_job *j;
	struct page_stats ps;
	long r;

	*rc = domain_create("teardown", QUOTA, 4, &t);
	if (*rc)
		return;
	uintptr_t uva = block(t, (void **)&j);

	*rc = spawn(t, u_spin, uva, THREAD_AFFINITY_ALL, &h);
	if (*rc) {
		domain_destroy(t);
		return;
	}
	*busy_rc = domain_destroy(t);
	j->stop = 1; /* t lives on while its thread does */
	thread_join(h, &r);
	*rc = domain_destroy(t);
	page_get_stats(&ps);
	*free_after = ps.free_pages;
}

static void check_teardown(void)
{
	struct page_stats ps;
	uint64_t before, after;
	int busy, rc;

	teardown_round(&after, &busy, &rc); /* warm the pools and slabs */
	page_get_stats(&ps);
	before = ps.free_pages;
	teardown_round(&after, &busy, &rc);
	report(rc == 0 && busy == -EBUSY && after == before, "domains.teardown",
	       "destroy %d (while alive %d), free pages %lu before, %lu after",
	       rc, busy, before, after);
}

static void check_bad_args(struct domain *a)
{
	struct domain *d;
	struct thread_handle h;
	uintptr_t uva;
	unsigned bad = 0;

	bad += domain_create(NULL, QUOTA, 1, &d) != -EINVAL;
	bad += domain_create("x", QUOTA, 0, &d) != -EINVAL;
	bad += domain_create("x", QUOTA, DOMAIN_THREADS_MAX + 1, &d) != -EINVAL;
	bad += domain_create("x", ~(size_t)0, 1, &d) != -EINVAL;
	bad += domain_alloc(a, PAGE_SIZE, 0x80, &uva) != -EINVAL;
	bad += domain_alloc(a, 0, 0, &uva) != -EINVAL;
	bad += domain_spawn(a, (const void *)check_bad_args, 0, NULL, &h) !=
	       -EINVAL;
	bad += domain_destroy(NULL) != -EINVAL;
	bad += domain_destroy((struct domain *)&kernel_secret) != -EINVAL;
	report(!bad, "domains.bad_args", "%u calls not refused", bad);
}

static void suite_domains(void)
{
	struct domain *a, *b;

	if (domain_create("alpha", QUOTA, 16, &a) ||
	    domain_create("beta", QUOTA, 16, &b))
		test_stop("domains", "cannot create two domains");
	check_hello(a);
	check_mutex(a);
	check_rules(a, b);
	check_bad_pointer(a, b);
	check_quota();
	check_cross_wake(a, b);
	check_layout(a, b);
	check_kernel_guard(a);
	check_bad_args(a);
	/* b maps a page of a's (cross_wake): a goes last. */
	int lent = domain_destroy(a), rb = domain_destroy(b),
	    ra = domain_destroy(a);

	report(lent == -EBUSY && rb == 0 && ra == 0, "domains.destroy",
	       "a while b maps its page %d, then b %d, a %d", lent, rb, ra);
	check_teardown();
}
SUITE("domains", suite_domains);
