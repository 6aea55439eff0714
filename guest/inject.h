/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for the test suites: inject=NAME[,NAME] on the command
 * line breaks exactly one feature each, in the kernel's own code path, so
 * that a negative manifest entry can prove the check guarding that feature
 * fails when the feature does. Off by default; one predictable branch each.
 */
#ifndef GUEST_INJECT_H
#define GUEST_INJECT_H

#include "types.h"

enum inject {
	INJECT_JOIN_TWICE_OK,  /* thread_join() of a joined handle returns 0 */
	INJECT_NO_ALTERNATE,   /* thread_yield() keeps running the caller */
	INJECT_WAKE_DELAY,     /* sched_wake() spins 50 us first */
	INJECT_WAKE_ONE_ALL,   /* waitq_wake_one() wakes every waiter */
	INJECT_CYCLES_SKEW,    /* the last vCPU's arch_cycles() 1 ms ahead */
	INJECT_TIMER_LATE,     /* the scheduler's one-shot fires 4 slices late */
	INJECT_NO_PREEMPT,     /* a woken higher priority waits for slice end */
	INJECT_NO_SLICE,       /* the slice end never preempts */
	INJECT_WALK_CPUS,      /* each switch and wake reads every vCPU */
	INJECT_STEAL_CHARGED,  /* a vCPU stall counts against the slice */
	INJECT_SPIN_ON_PREEMPTED, /* mutex spinner ignores a stopped owner */
	INJECT_PVSPIN_NO_KICK, /* spin_unlock never kicks a halted waiter */
	INJECT_PVYIELD_NOOP,   /* a directed yield is counted, not made */
	INJECT_PLACE_PREEMPTED, /* placement and stealing ignore stopped vCPUs */
	INJECT_STACK_FIXED,    /* stacks start at their top, said random */
	INJECT_YIELD_READS_CLOCK, /* a yield reads the clock, said skipped */
	INJECT_SWITCH_UNSEALED, /* a switch frame's broken seal is ignored */
	INJECT_CFI_HW_OFF,     /* arm64 PAC/BTI said on, left off */
	INJECT_UACCESS_UNCHECKED, /* user pointers taken as they come */
	INJECT_QUOTA_OFF,      /* domain quotas never refuse */
	INJECT_CODE_WRITABLE,  /* the user section mapped writable */
	INJECT_USER_NX_OFF,    /* domain data pages mapped executable */
	INJECT_USER_GUARDS_OFF, /* SMEP/SMAP, PXN/PAN said on, left off */
	INJECT_FAULT_LOSES_TIMER, /* a kill forgets to re-arm the timer */
	INJECT_FAULT_LOSES_CALL, /* a kill leaves a cross-call posted */
	INJECT_NR
};

extern uint32_t inject_mask; /* bit i: enum inject i; set once at boot */

static inline bool inject_on(enum inject i)
{
	return __builtin_expect((inject_mask >> i) & 1, 0);
}

/* Name of injection i, NULL past the last (the option table's words). */
const char *inject_name(unsigned i);

/* INJECT_CYCLES_SKEW: c, 1 ms ahead on the last of several vCPUs (for the
 * arch's arch_cycles()). */
uint64_t inject_cycles_skew(uint64_t c);

/*
 * Turn on the comma-separated injections of spec (NULL: none) and print
 * them. Returns 0, or -ENOENT with the first unknown name copied to
 * bad[0, badlen). Boot CPU, before any other vCPU starts.
 */
int inject_init(const char *spec, char *bad, size_t badlen);

#endif
