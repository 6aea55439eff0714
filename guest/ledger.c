/* SPDX-License-Identifier: MIT */
/* The transition ledger's state and names (see ledger.h). */
#include "guest/ledger.h"

bool ledger_ready;
bool ledger_tsc_traps;

const char *const ledger_names[LEDGER_NR] = {
	[LEDGER_TIMER] = "timer", [LEDGER_IPI] = "ipi", [LEDGER_EOI] = "eoi",
	[LEDGER_HALT] = "halt", [LEDGER_HYPERCALL] = "hypercall",
	[LEDGER_IO] = "io", [LEDGER_MMIO] = "mmio", [LEDGER_CPUID] = "cpuid",
	[LEDGER_MSR] = "msr", [LEDGER_TSC] = "tsc",
};
