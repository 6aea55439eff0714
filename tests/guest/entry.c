/* SPDX-License-Identifier: MIT */
/*
 * Suite "entry": interrupts and exceptions that come where the CPU's own
 * rules say none can (x86-64 entry.S). Xen 4.17 nested in QEMU TCG
 * delivers its upcall vector a second time inside the handler of the
 * first, with IF off and before that handler's swapgs; the kernel must
 * drop such a delivery without touching per-CPU data. A software "int"
 * makes the same delivery: the frame says IF was off. Not in test=all:
 * this machine's software KVM cannot emulate a software interrupt in
 * kernel mode ("instruction emulation failed"), so suites.cfg runs it on
 * QEMU TCG and Xen.
 *
 * Suite "entry_user_gs" (not in test=all: it ends the run): an exception
 * in kernel mode with the user's GS base must stop the kernel with a
 * message naming it, not run a handler on whatever page 0 holds.
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/test.h"
#if defined(__x86_64__)
#include "arch/x86_64/asm.h"
#endif

#if defined(__x86_64__)
/* Deliver VEC_TIMER with IF off; with user_gs, between two swapgs, as in
 * an entry's first instructions. */
static void masked_int(bool user_gs)
{
	if (user_gs)
		__asm__ volatile("swapgs\n\tint %0\n\tswapgs"
				 : : "i"(VEC_TIMER) : "memory");
	else
		__asm__ volatile("int %0" : : "i"(VEC_TIMER) : "memory");
}

static void check_masked(const char *name, bool user_gs)
{
	unsigned long f = arch_irq_save();
	uint64_t irqs = this_cpu()->irq_count;
	uint64_t dropped = arch_irq_masked_dropped();

	masked_int(user_gs);
	uint64_t irqs_after = this_cpu()->irq_count;
	uint64_t dropped_after = arch_irq_masked_dropped();

	arch_irq_restore(f);
	test_irq_drops_expected++;
	/* Dropped: counted, and no handler ran (it would count an irq). */
	report(dropped_after == dropped + 1 && irqs_after == irqs, name,
	       "dropped %lu -> %lu, interrupts handled %lu -> %lu", dropped,
	       dropped_after, irqs, irqs_after);
}
#endif

static void suite_entry(void)
{
#if defined(__x86_64__)
	check_masked("entry.masked_irq_dropped", false);
	check_masked("entry.user_gs_irq_dropped", true);
#else
	report_skip("entry.masked_irq_dropped", "x86-64 only");
	report_skip("entry.user_gs_irq_dropped", "x86-64 only");
#endif
}
SUITE_EX("entry", suite_entry, 1, false);

static void suite_entry_user_gs(void)
{
#if defined(__x86_64__)
	unsigned long f = arch_irq_save();

	kprintf("entry_user_gs: an invalid opcode with the user's GS base\n");
	__asm__ volatile("swapgs\n\tud2\n\tswapgs" : : : "memory");
	arch_irq_restore(f);
	report(false, "entry_user_gs.stopped", "the exception returned");
#else
	report_skip("entry_user_gs.stopped", "x86-64 only");
#endif
}
SUITE_EX("entry_user_gs", suite_entry_user_gs, 1, false);
