/* SPDX-License-Identifier: MIT */
/*
 * The transition ledger counts what it claims: one null exit, one timer
 * programming and one IPI send each add exactly one count of their kind on
 * this vCPU (IRQs off, so nothing else runs in between). Reads of the
 * cycle counter are left out: under Xen they trap and count as "tsc".
 * Where they trap, a yield reads none (yield_clock=auto).
 */
#include "arch.h"
#include "virt.h"
#include "guest/ledger.h"
#include "guest/sched/sched.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

struct delta {
	uint64_t v[LEDGER_NR];
};

static void snap(struct delta *d)
{
	for (unsigned k = 0; k < LEDGER_NR; k++)
		d->v[k] = this_cpu()->ledger[k];
}

/* After op(), kind `want` grew by exactly one and no other kind but
 * `also` (an MMIO side access, or none) and tsc moved. */
static void check_one(const char *name, void (*op)(void), enum ledger_kind want,
		      enum ledger_kind also, enum ledger_kind alt)
{
	struct delta a, b;
	unsigned long f = arch_irq_save();
	uint64_t other = 0;

	snap(&a);
	op();
	snap(&b);
	arch_irq_restore(f);
	for (unsigned k = 0; k < LEDGER_NR; k++)
		if (k != want && k != also && k != alt && k != LEDGER_TSC)
			other += b.v[k] - a.v[k];
	uint64_t got = b.v[want] - a.v[want] + (alt != want ? b.v[alt] - a.v[alt] : 0);

	report(got == 1 && other == 0, name, "%s +%lu (want 1), other kinds +%lu",
	       ledger_names[want], got, other);
}

static void op_null_exit(void) { virt->null_exit(); }
/* Due now: the interrupt comes once IRQs are back on and the scheduler
 * re-arms its own next event (a tickless kernel takes early ticks). */
static void op_timer(void) { virt_set_deadline(virt_clock_ns()); }
static void op_ipi(void) { virt_send_ipi(this_cpu()->id, IPI_RESCHED); }

#define YIELDS 200

static long yielder(void *unused)
{
	for (unsigned i = 0; i < YIELDS; i++)
		thread_yield();
	return 0;
}

/* Two threads pinned here yield to each other YIELDS times each: where
 * reading the clock traps (Xen's emulated TSC), the only readings are
 * their spawns, exits and the join, not one per yield. */
static void check_yield_no_clock(void)
{
	unsigned self = st_pin_self();
	struct thread_handle h[2];
	uint64_t t0 = this_cpu()->ledger[LEDGER_TSC], reads;

	if (!ledger_tsc_traps || sched_yield_reads_clock) {
		report_info("ledger.yield_no_clock", "not checked: %s",
			    !ledger_tsc_traps ? "reading the clock does not "
			    "trap here" : "yield_clock=read");
		st_unpin_self();
		return;
	}
	for (unsigned i = 0; i < 2; i++)
		st_spawn(yielder, NULL, "yielder", SCHED_PRIO_DEFAULT,
			 1ull << self, &h[i]);
	for (unsigned i = 0; i < 2; i++)
		thread_join(h[i], NULL);
	reads = this_cpu()->ledger[LEDGER_TSC] - t0;
	st_unpin_self();
	report_info("ledger.yield_no_clock", "%lu trapped clock reads for %u "
		    "yields", reads, 2 * YIELDS);
	report(reads < YIELDS / 4, "ledger.yield_no_clock",
	       "%lu trapped clock reads for %u yields (want under %u)", reads,
	       2 * YIELDS, YIELDS / 4);
}

static void suite_ledger(void)
{
	/* The null exit is cpuid (x86, no Xen) or a hypercall (Xen, PSCI). */
	check_one("ledger.null_exit", op_null_exit, LEDGER_CPUID, LEDGER_CPUID,
		  LEDGER_HYPERCALL);
	check_one("ledger.timer", op_timer, LEDGER_TIMER, LEDGER_TIMER, LEDGER_TIMER);
	/* xAPIC: the ICR_HI write and the delivery-status polls are MMIO. */
	check_one("ledger.ipi", op_ipi, LEDGER_IPI, LEDGER_MMIO, LEDGER_IPI);
	check_yield_no_clock();
}
SUITE("ledger", suite_ledger);
