/* SPDX-License-Identifier: MIT */
/*
 * Suite "sched_stack": guard pages and canaries. A thread that overflows
 * into its guard page, or smashes its canary, or takes an interrupt with
 * no room for its frame, is killed and reported; its joiner gets
 * -EOWNERDEAD; every other thread keeps running.
 */
#include "arch.h"
#include "virt.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

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
	unsigned v = cpu_count() - 1;
	struct thread_handle h;
	uint64_t pings;
	int rc;

	if (v == st_pin_self()) { /* one vCPU: no other to watch from */
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
 * guard page, or above it by less than a frame. A pending self-IPI comes
 * in the moment IRQs go on. The thread must be killed as an overflow (its
 * frame never lands in the stack below it, another thread's, and no
 * preempted thread is left on a per-CPU stack), and its vCPU runs on. */
static long low_sp_fn(void *arg)
{
	uintptr_t base = stack_base(&sched_current()->stack);
	uintptr_t sp = arg ? base - PAGE_SIZE + 64 : base + 64;

	arch_irq_disable();
	virt_send_ipi(this_cpu()->id, IPI_PING);
#if defined(__x86_64__)
	__asm__ volatile("mov %%rsp, %%r8\n\tmov %0, %%rsp\n\tsti\n\t"
			 "mov $100000, %%ecx\n1:\tdec %%ecx\n\tjnz 1b\n\t"
			 "cli\n\tmov %%r8, %%rsp"
			 : : "r"(sp) : "r8", "rcx", "memory", "cc");
#elif defined(__aarch64__)
	__asm__ volatile("mov x9, sp\n\tmov sp, %0\n\tmsr daifclr, #2\n\t"
			 "mov x10, #65536\n1:\tsubs x10, x10, #1\n\tb.ne 1b\n\t"
			 "msr daifset, #2\n\tmov sp, x9"
			 : : "r"(sp) : "x9", "x10", "memory", "cc");
#elif defined(__riscv)
	__asm__ volatile("mv t0, sp\n\tmv sp, %0\n\tcsrsi sstatus, 2\n\t"
			 "li t1, 100000\n1:\taddi t1, t1, -1\n\tbnez t1, 1b\n\t"
			 "csrci sstatus, 2\n\tmv sp, t0"
			 : : "r"(sp) : "t0", "t1", "memory");
#endif
	arch_irq_enable();
	return 1; /* the interrupt was taken on that stack and returned */
}

static void irq_without_room(const char *name, bool inside)
{
	unsigned v = st_pin_self();
	struct thread_handle h;
	uint64_t pings;
	long result = 0;
	int rc;

	st_spawn(low_sp_fn, inside ? (void *)1 : NULL, "low_sp",
		 SCHED_PRIO_DEFAULT, 1ull << v, &h);
	rc = thread_join(h, &result);
	pings = pings_taken(v);
	st_unpin_self();
	report(rc == -EOWNERDEAD && pings, name, "join returned %d (result %ld);"
	       " vCPU %u took %lu more pings", rc, result, v, pings);
}

static void suite_stack(void)
{
	guard_unmapped();
	kill_test("sched_stack.overflow_killed", st_overflow_stack);
	kill_test("sched_stack.canary_killed", smash_canary_fn);
	fault_in_irq();
	irq_without_room("sched_stack.irq_in_guard", true);
	irq_without_room("sched_stack.irq_frame_in_guard", false);
}
SUITE("sched_stack", suite_stack);
