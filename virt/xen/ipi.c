/* SPDX-License-Identifier: MIT */
/*
 * IPIs as one event channel per vCPU and enum ipi_kind (EVTCHNOP_bind_ipi /
 * EVTCHNOP_send), the same on x86 and arm64; and one more, masked, per
 * vCPU: the kick of paravirtual spinlocks, which a halted waiter polls
 * (SCHEDOP_poll wakes on a pending port even while it is masked).
 */
#include "arch.h"
#include "virt.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"

static void ipi_event(unsigned port, uintptr_t kind)
{
	kernel_ipi((unsigned)kind);
}

static void stray_kick(unsigned port, uintptr_t arg)
{
	/* Only between binding and masking: nothing to do. */
}

/* IRQs off. The timeout is absolute Xen system time. Xen also ends a
 * poll early when an event is due to this vCPU (arm64: even with IRQs
 * masked): that is a wakeup without a kick, not a lost one. */
int xen_pv_wait(void)
{
	unsigned port = xen_pcpu(this_cpu())->kick_port;
	evtchn_port_t p = port;
	struct sched_poll poll = {.nr_ports = 1};

	if (!port)
		return -1;
	poll.timeout = xen_poll_timeout_10ms();
	set_xen_guest_handle(poll.ports, &p);
	xen_sched_op(SCHEDOP_poll, &poll);
	/* Consumed: the next poll blocks again. */
	if (xen_evtchn_test_and_clear(port))
		return 1;
	return poll.timeout && xen_poll_expired(poll.timeout) ? 2 : 0;
}

void xen_pv_kick(unsigned cpu)
{
	struct cpu *c = cpu_get(cpu);
	unsigned port = c ? READ_ONCE(xen_pcpu(c)->kick_port) : 0;

	if (port)
		xen_evtchn_send(port);
}

/* Xen has no directed yield: SCHEDOP_yield hands this physical CPU to
 * whichever ready vCPU Xen's scheduler likes best, and the preempted
 * vCPU the caller waits on is one of them. */
void xen_pv_yield_to(unsigned cpu)
{
	(void)cpu;
	xen_sched_op(SCHEDOP_yield, NULL);
}

unsigned xen_pv_caps(void)
{
	return VIRT_PV_HALT_KICK | VIRT_PV_YIELD;
}

/* This vCPU's IPI ports, published before it counts as online (the
 * release store in kernel_secondary_main pairs with senders' reads). */
int xen_ipi_cpu_init(void)
{
	struct cpu *c = this_cpu();
	int port;

	for (unsigned k = 0; k < IPI_NR; k++) {
		port = xen_evtchn_bind_ipi(xen_vcpu_id(c), ipi_event, k);
		if (port < 0)
			return port;
		WRITE_ONCE(xen_pcpu(c)->ipi_port[k], (unsigned)port);
	}
	port = xen_evtchn_bind_ipi(xen_vcpu_id(c), stray_kick, 0);
	if (port < 0)
		return port;
	xen_evtchn_mask((unsigned)port);
	xen_evtchn_test_and_clear((unsigned)port);
	WRITE_ONCE(xen_pcpu(c)->kick_port, (unsigned)port);
	return 0;
}

void xen_send_ipi(unsigned cpu, enum ipi_kind kind)
{
	struct cpu *c = cpu_get(cpu);
	unsigned port;

	if (!c || kind >= IPI_NR)
		return;
	port = READ_ONCE(xen_pcpu(c)->ipi_port[kind]);
	if (port)
		xen_evtchn_send(port);
}

void xen_send_ipi_others(enum ipi_kind kind)
{
	unsigned long f = arch_irq_save(); /* "others" of one fixed vCPU */
	unsigned self = this_cpu()->id;

	for (unsigned i = 0; i < cpu_count(); i++)
		if (i != self && READ_ONCE(cpu_get(i)->online))
			xen_send_ipi(i, kind);
	arch_irq_restore(f);
}
