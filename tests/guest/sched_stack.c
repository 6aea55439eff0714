/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_stack": guard pages and canaries. A thread that overflows
 * into its guard page, or smashes its canary, or takes an interrupt with
 * no room for its frame, is killed and reported; its joiner gets
 * -EOWNERDEAD; every other thread keeps running.
 */
#include "arch.h"
#include "virt.h"
#include "guest/ipi.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"
#if defined(__riscv)
#include "arch/riscv64/dt.h"
#endif

static volatile bool stop;

static long counter_fn(void *arg)
{
	volatile uint64_t *n = arg;

	while (!READ_ONCE(stop)) {
		(*n)++;
		thread_yield();
	}
	return 42;
}

static long smash_canary_fn(void *arg)
{
	struct thread *self = sched_current();

	*(volatile uint64_t *)stack_base(&self->stack) = 0; /* as an overflow would */
	thread_yield(); /* switch-out check kills us here */
	return 1;
}

static void kill_test(const char *name, long (*fn)(void *))
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle hv, hc;
	struct thread_counts before, after;
	volatile uint64_t n = 0;
	uint64_t n0;
	long r = 0;
	int rc;

	stop = false;
	thread_get_counts(&before);
	st_need(thread_spawn(counter_fn, (void *)&n, NULL, &hc), "counter");
	a.name = name;
	a.stack_size = 8192;
	rc = thread_spawn(fn, NULL, &a, &hv);
	rc = rc ? rc : thread_join(hv, &r);
	thread_get_counts(&after);
	n0 = n;
	/* Wait for the bystander to make progress: up to a second, so a host
	 * that deschedules this vCPU for a while does not fail the check. */
	for (int i = 0; i < 200 && n == n0; i++)
		thread_sleep_ns(5 * MS);
	report(rc == -EOWNERDEAD && after.killed == before.killed + 1, name,
	       "join returned %d, killed %lu -> %lu", rc, before.killed,
	       after.killed);
	stop = true;
	r = 0;
	report(!thread_join(hc, &r) && r == 42 && n > n0,
	       "sched_stack.others_keep_running",
	       "bystander r=%ld, progress %lu -> %lu", r, n0, n);
}

static void guard_unmapped(void)
{
	struct stack s;
	struct stack_stats st0, st1;
	uintptr_t base;
	bool ok;

	if (stack_alloc(&s, 2)) {
		report(false, "sched_stack.guard_unmapped", "stack_alloc failed");
		return;
	}
	base = stack_base(&s);
	ok = !arch_va_mapped(base - PAGE_SIZE) && arch_va_mapped(base) &&
	     arch_va_mapped(base + PAGE_SIZE) && stack_canary_ok(&s) &&
	     stack_npages(&s) == 2 && stack_top(&s) == (void *)(base + 2 * PAGE_SIZE);
	stack_free(&s);
	report(ok, "sched_stack.guard_unmapped",
	       "guard page mapped, stack not mapped or not 2 pages at 0x%lx",
	       base);
	stack_get_stats(&st0);
	stack_alloc(&s, 2);
	stack_free(&s);
	stack_get_stats(&st1);
	report(st1.reused == st0.reused + 1 &&
		       st1.mapped_pages == st0.mapped_pages,
	       "sched_stack.pool_recycles", "reused %lu -> %lu, mapped %lu -> "
	       "%lu", st0.reused, st1.reused, st0.mapped_pages,
	       st1.mapped_pages);
}

/* ---- a fault inside an interrupt handler ----
 * The thread the interrupt came in on is killed; the interrupt never
 * reaches its end of interrupt unless the kill path ends it, and its
 * vector (x86) or INTID (arm64) would then stay in service: no IPI_PING
 * (nor anything of its priority and below) would reach that vCPU again. */
static void fault_in_ping(void)
{
	this_cpu()->ping_hook = NULL; /* once */
	*(volatile int *)stack_never_mapped() = 1;
}

static long ping_victim(void *unused)
{
	unsigned long f = arch_irq_save();

	this_cpu()->ping_hook = fault_in_ping;
	virt_send_ipi(this_cpu()->id, IPI_PING);
	arch_irq_restore(f); /* the IPI comes in on this thread */
	for (;;)
		arch_cpu_relax(); /* until it does */
	return 0;
}

/* A vCPU other than self: the last, or the first if self is the last; self
 * on one vCPU. */
static unsigned other_cpu(unsigned self)
{
	return self == cpu_count() - 1 ? 0 : cpu_count() - 1;
}

/* Pings vCPU v takes of one sent now, within a second: 1 if it still
 * takes them. */
static uint64_t pings_taken(unsigned v)
{
	uint64_t before = READ_ONCE(cpu_get(v)->ipi_count[IPI_PING]);

	virt_send_ipi(v, IPI_PING);
	st_wait(READ_ONCE(cpu_get(v)->ipi_count[IPI_PING]) != before, 1000 * MS);
	return READ_ONCE(cpu_get(v)->ipi_count[IPI_PING]) - before;
}

static void fault_in_irq(void)
{
	unsigned self = st_pin_self(), v = other_cpu(self);
	struct thread_handle h;
	uint64_t pings;
	int rc;

	if (v == self) { /* one vCPU: no other to watch from */
		st_unpin_self();
		report_info("sched_stack.fault_in_irq", "not checked: one vCPU");
		return;
	}
	st_spawn(ping_victim, NULL, "irq_fault", SCHED_PRIO_DEFAULT, 1ull << v,
		 &h);
	rc = thread_join(h, NULL);
	pings = pings_taken(v);
	st_unpin_self();
	report(rc == -EOWNERDEAD && pings, "sched_stack.fault_in_irq",
	       "join returned %d; vCPU %u took %lu more pings after the kill",
	       rc, v, pings);
}

/* ---- an interrupt with no room on the stack ----
 * A thread whose sp sits where an interrupt's frame cannot fit: inside its
 * guard page, or above it by less than a frame. A pending interrupt comes
 * in the moment IRQs go on: a self-IPI, or this vCPU's one-shot timer. The
 * thread must be killed as an overflow (its frame never lands in the stack
 * below it, another thread's, and no preempted thread is left on a per-CPU
 * stack), and its vCPU runs on: it still takes pings, and its timer still
 * fires, though the one-shot that came in was never handled (the
 * scheduler's deadline then passed unseen: a hang on one vCPU, seen under
 * KVM when a slice's end came in as the overflow test crossed a page). */
struct low_sp {
	bool inside; /* sp inside the guard page, else just above it */
	bool timer;  /* the one-shot timer comes in, else a self-IPI */
};

/* Runs with sp at sp and IRQs on until the cycle counter reaches end (or
 * the pending interrupt kills the thread first), then puts sp back. The
 * end is a time, not a count: a timer interrupt, unlike a self-IPI, may be
 * raised a while after it was due (QEMU TCG raises it from another host
 * thread). No memory access, no call: sp is unusable. */
static void run_on_sp(uintptr_t sp, uint64_t end)
{
#if defined(__x86_64__)
	__asm__ volatile("mov %%rsp, %%r8\n\tmov %0, %%rsp\n\tsti\n"
			 "1:\trdtsc\n\tshl $32, %%rdx\n\tor %%rdx, %%rax\n\t"
			 "cmp %1, %%rax\n\tjb 1b\n\t"
			 "cli\n\tmov %%r8, %%rsp"
			 : : "r"(sp), "r"(end) : "r8", "rax", "rdx", "memory", "cc");
#elif defined(__aarch64__)
	__asm__ volatile("mov x9, sp\n\tmov sp, %0\n\tmsr daifclr, #2\n"
			 "1:\tmrs x10, cntvct_el0\n\tcmp x10, %1\n\tb.lo 1b\n\t"
			 "msr daifset, #2\n\tmov sp, x9"
			 : : "r"(sp), "r"(end) : "x9", "x10", "memory", "cc");
#elif defined(__riscv)
	__asm__ volatile("mv t0, sp\n\tmv sp, %0\n\tcsrsi sstatus, 2\n"
			 "1:\trdtime t1\n\tbltu t1, %1, 1b\n\t"
			 "csrci sstatus, 2\n\tmv sp, t0"
			 : : "r"(sp), "r"(end) : "t0", "t1", "memory");
#endif
}

/* The counter run_on_sp() reads, end_ms from now. */
static uint64_t counter_in(unsigned end_ms)
{
#if defined(__riscv)
	uint64_t t;

	/* The time CSR: arch_cycles() may read cycle instead. */
	__asm__ volatile("rdtime %0" : "=r"(t));
	return t + dt.timebase_hz / 1000 * end_ms;
#else
	return arch_cycles_raw() + arch_cycles_hz() / 1000 * end_ms;
#endif
}

static long low_sp_fn(void *arg)
{
	const struct low_sp *m = arg;
	uintptr_t base = stack_base(&sched_current()->stack);
	uintptr_t sp = m->inside ? base - PAGE_SIZE + 64 : base + 64;

	arch_irq_disable();
	if (m->timer)
		virt_set_deadline(virt_clock_ns()); /* due now */
	else
		virt_send_ipi(this_cpu()->id, IPI_PING);
	run_on_sp(sp, counter_in(2000));
	arch_irq_enable();
	return 1; /* the interrupt was taken on that stack and returned */
}

/* Timer interrupts this vCPU (the caller's) takes within five seconds of
 * spinning (a slice is 2 ms): 0 if its timer is dead. Spins, IRQs on: a
 * sleep would need the very timer it checks. */
static uint64_t timer_fires(void)
{
	struct cpu *c = this_cpu();
	uint64_t before = READ_ONCE(c->timer_count);

	WAIT_UNTIL(READ_ONCE(c->timer_count) != before, virt_clock_ns(),
		   5000 * MS, arch_cpu_relax());
	return READ_ONCE(c->timer_count) - before;
}

static void irq_without_room(const char *name, struct low_sp m)
{
	unsigned v = st_pin_self();
	struct thread_handle h;
	uint64_t fires;
	long result = 0;
	int rc;

	st_spawn(low_sp_fn, &m, "low_sp", SCHED_PRIO_DEFAULT, 1ull << v, &h);
	rc = thread_join(h, &result);
	fires = m.timer ? timer_fires() : pings_taken(v);
	st_unpin_self();
	report(rc == -EOWNERDEAD && fires, name, "join returned %d (result "
	       "%ld); vCPU %u took %lu more %s", rc, result, v, fires,
	       m.timer ? "timer interrupts" : "pings");
}

/* ---- a cross-call whose function faults ----
 * The thread the IPI came in on is killed; the caller, waiting for the
 * call to finish, gets -EFAULT instead of waiting for good, and the next
 * call to that vCPU runs. The call is made from a thread of its own, so a
 * caller that waits for good fails the check instead of hanging the run. */
struct call_try {
	unsigned cpu;
	void (*fn)(void *);
	void *arg;
	volatile bool done;
	int rc;
};

static long call_thread(void *arg)
{
	struct call_try *c = arg;

	c->rc = ipi_call(c->cpu, c->fn, c->arg, true);
	c->done = true;
	return 0;
}

/* ipi_call(cpu, fn, arg, wait) from a thread on this vCPU: its result, or
 * -ETIMEDOUT if it has not returned within ten seconds. The slot is then
 * released here, as the target never did, so that the caller returns and
 * later cross-calls to cpu (other suites') do not wait for good. */
static int call_within(unsigned cpu, void (*fn)(void *), void *arg)
{
	static struct call_try c;
	struct cpu *t = cpu_get(cpu);
	struct thread_handle h;
	bool done;

	c = (struct call_try){.cpu = cpu, .fn = fn, .arg = arg};
	st_spawn(call_thread, &c, "caller", SCHED_PRIO_DEFAULT,
		 1ull << this_cpu()->id, &h);
	done = st_wait(c.done, 10000 * MS);
	if (!done)
		__atomic_store_n(&t->call_done, READ_ONCE(t->call_seq),
				 __ATOMIC_RELEASE);
	thread_join(h, NULL);
	return done ? c.rc : -ETIMEDOUT;
}

struct victim {
	struct thread *self;
	volatile bool spinning, missed;
};

/* Faults if it came in on the victim; on any other thread (idle: nobody
 * to blame, a panic) it notes the miss and returns. */
static void call_faults(void *arg)
{
	struct victim *vi = arg;

	if (sched_current() != vi->self) {
		vi->missed = true;
		return;
	}
	*(volatile int *)stack_never_mapped() = 1;
}

static void call_counts(void *arg)
{
	(*(volatile int *)arg)++;
}

static long spin_fn(void *arg)
{
	struct victim *vi = arg;

	vi->self = sched_current();
	vi->spinning = true;
	while (!READ_ONCE(stop))
		arch_cpu_relax();
	return 0;
}

static void fault_in_call(void)
{
	unsigned self = st_pin_self(), v = other_cpu(self);
	static volatile int ran;
	static struct victim vi;
	struct thread_handle h;
	int rc = -1, rc_join, rc_next = -1;

	if (v == self) {
		st_unpin_self();
		report_info("sched_stack.fault_in_call", "not checked: one vCPU");
		return;
	}
	stop = false;
	ran = 0;
	vi = (struct victim){0};
	/* A thread of its own on v, so the call comes in on it, not on idle
	 * (a fault with nobody to blame panics). */
	st_spawn(spin_fn, &vi, "call_victim", SCHED_PRIO_DEFAULT, 1ull << v,
		 &h);
	if (st_wait(vi.spinning, 2000 * MS))
		rc = call_within(v, call_faults, &vi);
	stop = true;
	rc_join = thread_join(h, NULL);
	rc_next = call_within(v, call_counts, (void *)&ran);
	st_unpin_self();
	report(rc == -EFAULT && rc_join == -EOWNERDEAD && !rc_next && ran == 1,
	       "sched_stack.fault_in_call", "call returned %d (victim %s, call "
	       "%s), join %d, next call %d (ran %d)", rc,
	       vi.spinning ? "ran" : "never ran",
	       vi.missed ? "came in elsewhere" : "came in on it", rc_join,
	       rc_next, ran);
}

static void suite_stack(void)
{
	guard_unmapped();
	kill_test("sched_stack.overflow_killed", st_overflow_stack);
	kill_test("sched_stack.canary_killed", smash_canary_fn);
	fault_in_irq();
	irq_without_room("sched_stack.irq_in_guard", (struct low_sp){true, false});
	irq_without_room("sched_stack.irq_frame_in_guard",
			 (struct low_sp){false, false});
	irq_without_room("sched_stack.timer_in_guard", (struct low_sp){true, true});
	irq_without_room("sched_stack.timer_frame_in_guard",
			 (struct low_sp){false, true});
	fault_in_call();
}
SUITE("sched_stack", suite_stack);
