/* SPDX-License-Identifier: MIT */
/*
 * VIRQ_DEBUG: Xen's debug key 'q' (on the Xen console: Ctrl-a three times,
 * then q) also asks every vCPU of the guest to dump its state. Each vCPU
 * prints one line: its clock, armed deadline, event flags and counters.
 */
#include "arch.h"
#include "guest/kernel.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"
#include "arch/x86_64/cpu.h"

static bool port_bits(unsigned port, bool *masked)
{
	*masked = xen_evtchn_is_masked(port);
	return xen_evtchn_is_pending(port);
}

static void debug_event(unsigned port, uintptr_t arg)
{
	struct cpu *c = this_cpu();
	struct xen_pcpu *w = xen_pcpu(c);
	volatile struct vcpu_info *vi = w->vcpu_info;
	unsigned tport = w->timer_port;
	uint64_t now = xen_clock_ns(), d = w->deadline;
	bool masked, pending = port_bits(tport, &masked);

	kprintf("xen-debug: vCPU %u: clock %lu ns, deadline %ld ns from now%s;"
		" timer port %u pending %d masked %d; upcall_pending %u sel %lx;"
		" %lu upcalls, %lu events, timer early %lu stale %lu, hlt"
		" skips %lu\n", c->id,
		now, d == VIRT_NO_DEADLINE ? 0 : (long)(d - now),
		d == VIRT_NO_DEADLINE ? " (none armed)" : "", tport, pending,
		masked, vi->evtchn_upcall_pending, vi->evtchn_pending_sel,
		w->upcalls, w->events,
		w->timer_early, w->timer_stale,
		w->hlt_skips);
	{
		unsigned rp = w->ipi_port[IPI_RESCHED];
		bool m2, p2 = port_bits(rp, &m2);
		uint32_t irr7 = (uint32_t)rdmsr(0x827), isr7 = (uint32_t)rdmsr(0x817);
		kprintf("xen-debug: vCPU %u: resched port %u pending %d masked %d; sched ipi_pending %lx polling %d cur_prio %d; irr7 %x isr7 %x\n",
			c->id, rp, p2, m2, c->sched.ipi_pending, c->sched.polling, c->sched.cur_prio, irr7, isr7);
	}
	if (c->id == 0) {
		kprintf("xen-debug: interrupts delivered while masked, dropped:"
			" %lu\n", arch_irq_masked_dropped());
		sched_print_threads();
	}
}

/* Each CPU, from xen_cpu_init(); a failure only costs the dump. */
void xen_debug_cpu_init(void)
{
	xen_evtchn_bind_virq(VIRQ_DEBUG, xen_vcpu_id(this_cpu()), debug_event, 0);
}
