/* SPDX-License-Identifier: MIT */
/* Portable interrupt dispatch: timer, IPIs, IRQ exit, thread faults. */
#include "arch.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/ipi.h"
#include "guest/kernel.h"
#include "guest/percpu.h"
#include "guest/trace.h"

void kernel_timer_interrupt(void)
{
	struct cpu *c = this_cpu();

	void (*hook)(void) = c->timer_hook;

	c->timer_count++;
	/* A test's raw hook is one-shot; the scheduler then re-arms its own
	 * next event, which the test's deadline replaced. */
	if (hook) {
		c->timer_hook = NULL;
		hook();
	}
	sched_timer_interrupt();
}

static void ipi_dispatch(struct cpu *c, unsigned kind)
{
	switch (kind) {
	case IPI_RESCHED:
		sched_resched_ipi();
		break;
	case IPI_CALL:
		ipi_handle_call();
		break;
	case IPI_STOP:
		arch_halt_forever();
	case IPI_PING:
		if (c->ping_hook)
			c->ping_hook();
		break;
	}
}

/* kernel_ipi() with tracing on: the event, then the handler. */
static __attribute__((noinline, cold)) void kernel_ipi_traced(struct cpu *c,
								unsigned kind)
{
	trace(TR_IPI_RECV, kind, 0, 0);
	ipi_dispatch(c, kind);
}

void kernel_ipi(unsigned kind)
{
	struct cpu *c = this_cpu();

	if (kind < ARRAY_SIZE(c->ipi_count))
		c->ipi_count[kind]++;
	/* Traced out of line: a site with the call inline would cost every
	 * IPI a saved register pair (the handlers are tail calls). */
	if (__builtin_expect(trace_on(), 0))
		kernel_ipi_traced(c, kind);
	else
		ipi_dispatch(c, kind);
}

void kernel_irq_exit(void) { sched_irq_exit(); }

void kernel_thread_fault(unsigned vector, uintptr_t addr)
{
	/* The fault may have ended an interrupt before (or while) its
	 * handler ran: what that handler would have done is done here, or
	 * asked for again (the scheduler re-arms its timer itself). Not
	 * when nobody is killed: the kernel panics then. */
	if (!sched_fault_killable())
		return;
	if (!inject_on(INJECT_FAULT_LOSES_CALL))
		ipi_thread_fault();
	sched_thread_fault(vector, addr);
}
