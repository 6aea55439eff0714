/* SPDX-License-Identifier: MIT */
/*
 * Negative suites (not in test=all), run by the manifest expecting their
 * exit code and lines. test=panic: a panic raised on the last vCPU must
 * stop every vCPU, say why, and end the run with EXIT_PANIC.
 */
#include "guest/ipi.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "guest/test.h"

static void panic_here(void *arg)
{
	panic("deliberate panic from test=panic on vCPU %u", this_cpu()->id);
}

static void suite_panic(void)
{
	unsigned last = cpu_count() - 1;

	kprintf("panic: raising a panic on vCPU %u\n", last);
	if (last == this_cpu()->id)
		panic_here(NULL);
	ipi_call(last, panic_here, NULL, false);
	/* The panicking vCPU stops this one with an NMI. */
	for (;;)
		;
}
SUITE_EX("panic", suite_panic, 1, false);

/*
 * test=killmain (not in test=all): a fault in the main thread kills it, and
 * with main gone nothing would shut the guest down; the run must end at
 * once with EXIT_TEST_FAILED and say why, not hang until the outer timeout.
 */
static void suite_killmain(void)
{
	kprintf("killmain: faulting in thread 'main'\n");
	__builtin_trap();
}
SUITE_EX("killmain", suite_killmain, 1, false);
