/* SPDX-License-Identifier: MIT */
/*
 * test=panic (not in test=all): a panic raised on the last vCPU must stop
 * every vCPU, say why, and end the run with EXIT_PANIC. The manifest runs
 * it expecting that exit code and those lines.
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
