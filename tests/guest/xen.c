/* SPDX-License-Identifier: MIT */
/*
 * The Xen backend's own suite (skipped on other hypervisors): vCPU ids
 * against the MADT, one event channel per vCPU and purpose, masking holds
 * an event back and unmasking delivers it, and the event counters.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/boot.h"
#include "guest/ipi.h"
#include "guest/lib/acpi.h"
#include "guest/percpu.h"
#include "guest/test.h"
#include "virt/xen/xen.h"

/* Weak: x86 only (CPUID leaf, VIRQ_TIMER), or for an arch without virt/xen. */
#pragma weak xen_cpuid_vcpu_id
#pragma weak xen_timer_uses_evtchn
#pragma weak xen_evtchn_mask
#pragma weak xen_evtchn_unmask
#pragma weak xen_evtchn_is_pending
#pragma weak xen_evtchn_unknown_events

extern struct boot_info *boot;

#define MS 1000000ull

struct vcpu_answer {
	int xen_id;
	volatile int done;
};

static void ask_vcpu_id(void *arg)
{
	struct vcpu_answer *a = arg;

	a->xen_id = xen_cpuid_vcpu_id();
	a->done = 1;
}

/* Xen's PVH MADT gives vCPU i ACPI uid i and APIC id 2 * i, in vCPU order;
 * the kernel numbers CPUs in MADT order; CPUID says who we really are. */
static void check_vcpu_ids(void)
{
	unsigned n = cpu_count(), bad = 0;

	if (!xen_cpuid_vcpu_id) {
		report_skip("xen.vcpu_ids", "x86 only (CPUID leaf 4, MADT)");
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		struct vcpu_answer a = {.xen_id = -1};

		if (i == this_cpu()->id)
			ask_vcpu_id(&a);
		else
			ipi_call(i, ask_vcpu_id, &a, true);
		if (!a.done || a.xen_id != (int)i || cpu_get(i)->hw_id != 2 * i)
			bad++;
	}
	report(bad == 0, "xen.vcpu_ids", "%u of %u vCPUs: Xen vCPU id (CPUID)"
	       " or APIC id (2 * id) differs from the logical id", bad, n);
}

/* ACPI processor uids of the MADT's x2APIC/LAPIC entries, in table order. */
static void check_madt_uids(void)
{
	const struct acpi_madt *m = (const void *)(uintptr_t)boot->madt_pa;
	const uint8_t *p = (const uint8_t *)m;
	unsigned off = sizeof(*m), idx = 0, bad = 0;

	if (!xen_cpuid_vcpu_id) {
		report_skip("xen.madt_uids", "x86 only (arm64 boots from a"
			    " device tree)");
		return;
	}
	if (!m) {
		report(false, "xen.madt_uids", "no MADT");
		return;
	}
	while (off + 2 <= m->hdr.length && p[off + 1] >= 2) {
		const struct acpi_madt_x2apic *x = (const void *)(p + off);
		const struct acpi_madt_lapic *l = (const void *)(p + off);

		if (x->e.type == ACPI_MADT_X2APIC)
			bad += x->processor_uid != idx++;
		else if (l->e.type == ACPI_MADT_LAPIC)
			bad += l->processor_uid != idx++;
		off += p[off + 1];
	}
	report(bad == 0 && idx == cpu_count(), "xen.madt_uids",
	       "%u of %u MADT entries have ACPI uid != position", bad, idx);
}

/* Port k of CPU c: VIRQ_TIMER, then the IPIs. */
static unsigned port_of(unsigned c, unsigned k)
{
	struct xen_pcpu *x = xen_pcpu(cpu_get(c));

	return k ? x->ipi_port[k - 1] : x->timer_port;
}

static void check_ports(void)
{
	unsigned seen[MAX_CPUS * (1 + IPI_NR)], n = 0, bad = 0;
	/* VIRQ_TIMER (k = 0) only where Xen's timer is used. */
	bool virq_timer = xen_timer_uses_evtchn && xen_timer_uses_evtchn();

	for (unsigned c = 0; c < cpu_count(); c++) {
		for (unsigned k = !virq_timer; k <= IPI_NR; k++) {
			unsigned port = port_of(c, k);

			bad += port == 0;
			for (unsigned i = 0; i < n; i++)
				bad += seen[i] == port;
			seen[n++] = port;
		}
	}
	report(bad == 0, "xen.ports", "%u missing or shared event channels"
	       " (%s%u IPIs per vCPU)", bad, virq_timer ? "VIRQ_TIMER + " : "",
	       IPI_NR);
}

static bool wait_count(volatile uint64_t *count, uint64_t old, uint64_t ns)
{
	uint64_t t0 = virt_clock_ns();

	while (READ_ONCE(*count) == old)
		if (virt_clock_ns() - t0 > ns)
			return false;
	return true;
}

/* Masked: the event stays pending and is not delivered; unmasked (through
 * EVTCHNOP_unmask), it is. Uses the next vCPU's reschedule channel. */
static void check_mask(void)
{
	unsigned self = this_cpu()->id, target = (self + 1) % cpu_count();
	struct cpu *t = cpu_get(target);
	unsigned port = xen_pcpu(t)->ipi_port[IPI_RESCHED];
	volatile uint64_t *count = &t->ipi_count[IPI_RESCHED];
	uint64_t before;
	bool held, pending, came;

	xen_evtchn_mask(port);
	before = READ_ONCE(*count);
	virt_send_ipi(target, IPI_RESCHED);
	held = !wait_count(count, before, 20 * MS);
	pending = xen_evtchn_is_pending(port);
	xen_evtchn_unmask(port);
	came = wait_count(count, before, 5000 * MS);
	report(held && pending, "xen.mask_holds", "masked port %u: delivered"
	       " %d, pending %d", port, !held, pending);
	report(came, "xen.unmask_delivers", "port %u: nothing within 5 s of"
	       " EVTCHNOP_unmask", port);
}

static void print_counters(void)
{
	for (unsigned c = 0; c < cpu_count(); c++) {
		struct xen_pcpu *w = xen_pcpu(cpu_get(c));

		report_info("xen.events", "vCPU %u: %lu upcalls, %lu events,"
			    " timer early %lu, stale %lu; upcalls at a hlt"
			    " in an sti shadow %lu", c, w->upcalls, w->events,
			    w->timer_early, w->timer_stale, w->hlt_skips);
	}
	report(xen_evtchn_unknown_events() == 0, "xen.no_stray_events",
	       "%lu events on ports nobody bound", xen_evtchn_unknown_events());
}

static void suite_xen(void)
{
	if (strcmp(virt->name, "xen") || !xen_evtchn_mask) {
		report_skip("xen", "not running on Xen");
		return;
	}
	check_vcpu_ids();
	check_madt_uids();
	check_ports();
	check_mask();
	print_counters();
}
SUITE("xen", suite_xen);
