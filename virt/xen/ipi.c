/* SPDX-License-Identifier: MIT */
/*
 * IPIs as one event channel per vCPU and enum ipi_kind (EVTCHNOP_bind_ipi /
 * EVTCHNOP_send), the same on x86 and arm64.
 */
#include "arch.h"
#include "virt.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"

static void ipi_event(unsigned port, uintptr_t kind)
{
	kernel_ipi((unsigned)kind);
}

/* This vCPU's IPI ports, published before it counts as online (the
 * release store in kernel_secondary_main pairs with senders' reads). */
int xen_ipi_cpu_init(void)
{
	struct cpu *c = this_cpu();

	for (unsigned k = 0; k < IPI_NR; k++) {
		int port = xen_evtchn_bind_ipi(xen_vcpu_id(c), ipi_event, k);

		if (port < 0)
			return port;
		WRITE_ONCE(xen_pcpu(c)[XEN_PCPU_IPI_PORT + k], (unsigned)port);
	}
	return 0;
}

void xen_send_ipi(unsigned cpu, enum ipi_kind kind)
{
	struct cpu *c = cpu_get(cpu);
	unsigned port;

	if (!c || kind >= IPI_NR)
		return;
	port = READ_ONCE(xen_pcpu(c)[XEN_PCPU_IPI_PORT + kind]);
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
