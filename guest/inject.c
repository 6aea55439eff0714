/* SPDX-License-Identifier: MIT */
/* The fault-injection registry (guest/inject.h): names and what breaks. */
#include <string.h>

#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/options.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_LIST("inject", inject_name, "break one kernel feature each, on "
	 "purpose (negative tests)"));

uint32_t inject_mask;

static const struct {
	const char *name;
	const char *breaks;
} injections[INJECT_NR] = {
	[INJECT_JOIN_TWICE_OK] = {"join_twice_ok",
				  "thread_join() succeeds on a joined handle"},
	[INJECT_NO_ALTERNATE] = {"no_alternate",
				 "thread_yield() never hands over to an "
				 "equal-priority thread"},
	[INJECT_WAKE_DELAY] = {"wake_delay", "every wakeup 50 us late"},
	[INJECT_WAKE_ONE_ALL] = {"wake_one_all",
				 "waitq_wake_one() wakes every waiter"},
	[INJECT_CYCLES_SKEW] = {"cycles_skew",
				"the last vCPU's cycle counter reads 1 ms "
				"ahead"},
	[INJECT_TIMER_LATE] = {"timer_late",
			       "the scheduler's timer fires four slices late"},
	[INJECT_NO_PREEMPT] = {"no_preempt",
			       "a woken higher-priority thread waits for the "
			       "end of the running thread's slice"},
	[INJECT_NO_SLICE] = {"no_slice",
			     "the end of a time slice never preempts"},
	[INJECT_WALK_CPUS] = {"walk_cpus",
			      "each switch and wake reads the load of every "
			      "vCPU (the scaling check must fail)"},
	[INJECT_STEAL_CHARGED] = {"steal_charged",
				  "time the hypervisor stole from a vCPU "
				  "counts against the running thread's slice"},
	[INJECT_SPIN_ON_PREEMPTED] = {"spin_on_preempted",
				      "a mutex spinner ignores that the "
				      "owner's vCPU is stopped and spins on"},
	[INJECT_PVSPIN_NO_KICK] = {"pvspin_no_kick",
				   "spin_unlock never kicks a waiter halted "
				   "on the lock (pvspin)"},
	[INJECT_PVYIELD_NOOP] = {"pvyield_noop",
				 "a directed yield to a preempted vCPU is "
				 "counted but not made (pvyield)"},
	[INJECT_PLACE_PREEMPTED] = {"place_preempted",
				    "wakeup placement and work stealing ignore "
				    "that a vCPU is stopped by the hypervisor"},
	[INJECT_STACK_FIXED] = {"stack_fixed",
				"every thread stack starts at its top while "
				"stack_random says on"},
	[INJECT_YIELD_READS_CLOCK] = {"yield_reads_clock",
				      "a yield reads the clock while "
				      "yield_clock says it skips it"},
	[INJECT_SWITCH_UNSEALED] = {"switch_unsealed",
				    "the scheduler switches to a frame whose "
				    "return address lost its seal"},
	[INJECT_CFI_HW_OFF] = {"cfi_hw_off",
			       "arm64: pointer authentication and BTI said "
			       "on and left off"},
	[INJECT_UACCESS_UNCHECKED] = {"uaccess_unchecked",
				      "system calls use user pointers "
				      "without checking them"},
	[INJECT_QUOTA_OFF] = {"quota_off", "domain memory and thread quotas "
			      "never refuse"},
	[INJECT_CODE_WRITABLE] = {"code_writable", "the user section is "
				  "mapped writable into every domain"},
	[INJECT_USER_NX_OFF] = {"user_nx_off", "a domain's data pages are "
				"mapped executable"},
	[INJECT_USER_GUARDS_OFF] = {"user_guards_off",
				    "the kernel's guards against touching "
				    "user pages (SMEP/SMAP, PXN/PAN) said on "
				    "and left off"},
	[INJECT_FAULT_LOSES_TIMER] = {"fault_loses_timer",
				      "a thread killed for a fault in an "
				      "interrupt's entry leaves the scheduler's "
				      "timer armed for a deadline that passed"},
	[INJECT_FAULT_LOSES_CALL] = {"fault_loses_call",
				     "a thread killed for a fault in an IPI's "
				     "entry or in a cross-call leaves the call "
				     "posted, its sender waiting"},
};

const char *inject_name(unsigned i)
{
	return i < INJECT_NR ? injections[i].name : NULL;
}

uint64_t inject_cycles_skew(uint64_t c)
{
	unsigned n = cpu_count();

	return n > 1 && this_cpu()->id == n - 1 ? c + arch_cycles_hz() / 1000
						: c;
}

int inject_init(const char *spec, char *bad, size_t badlen)
{
	const char *p = spec;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		unsigned i;

		for (i = 0; i < INJECT_NR; i++)
			if (strlen(injections[i].name) == len &&
			    !strncmp(injections[i].name, p, len))
				break;
		if (i == INJECT_NR) {
			ksnprintf(bad, badlen, "%.*s", (int)len, p);
			return -ENOENT;
		}
		inject_mask |= 1u << i;
		kprintf("vsched: FAULT INJECTED: %s (%s)\n", injections[i].name,
			injections[i].breaks);
		p += len + (end ? 1 : 0);
	}
	return 0;
}
