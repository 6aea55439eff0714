/* SPDX-License-Identifier: MIT */
/*
 * The transition ledger: per-vCPU counts, by kind, of every operation that
 * leaves the guest on hardware virtualization (docs/transitions.md says
 * which kind traps under which hypervisor). arch/ and virt/ call
 * ledger_add() at the instruction itself; the benchmarks read the sums.
 */
#ifndef GUEST_LEDGER_H
#define GUEST_LEDGER_H

#include "types.h"
#include "guest/percpu.h"

enum ledger_kind {
	LEDGER_TIMER,     /* timer programming: TSC deadline, TMICT, singleshot, CNTV_* */
	LEDGER_IPI,       /* IPI send: ICR, PV send-IPI, EVTCHNOP_send, ICC_SGI1R */
	LEDGER_EOI,       /* EOI register write (not a PV-skipped one) */
	LEDGER_HALT,      /* hlt, wfi, SCHEDOP_block */
	LEDGER_HYPERCALL, /* any other hypercall (vmcall, hypercall page, hvc) */
	LEDGER_IO,        /* port I/O */
	LEDGER_MMIO,      /* other device MMIO: xAPIC registers, UART, GIC */
	LEDGER_CPUID,     /* cpuid */
	LEDGER_MSR,       /* other rdmsr/wrmsr */
	LEDGER_TSC,       /* a counter read the hypervisor emulates */
	LEDGER_NR
};
_Static_assert(LEDGER_NR <= CPU_LEDGER_SLOTS, "struct cpu ledger[]");

/* Set by kernel_main() once this_cpu() works on the boot CPU; a secondary
 * CPU sets up its per-CPU pointer before its first counted operation. */
extern bool ledger_ready;
/* Set by a backend whose hypervisor emulates the cycle counter (Xen's
 * tsc_mode): every arch_cycles() read then counts as LEDGER_TSC. */
extern bool ledger_tsc_traps;
extern const char *const ledger_names[LEDGER_NR]; /* "timer", "ipi", ... */

/* Any context. One atomic add: an interrupt between this_cpu() and the
 * add cannot lose a count; a thread that migrates in between charges the
 * CPU it left. No trace hook here (a call would cost every caller a
 * stack frame): the tracer samples these counters at each event instead
 * (guest/trace.h, TR_HV). */
static inline void ledger_add(enum ledger_kind k)
{
	if (ledger_ready)
		__atomic_fetch_add(&this_cpu()->ledger[k], 1, __ATOMIC_RELAXED);
}

static inline void ledger_add_tsc(void)
{
	if (ledger_tsc_traps)
		ledger_add(LEDGER_TSC);
}

#endif
