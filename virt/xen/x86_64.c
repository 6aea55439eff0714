/* SPDX-License-Identifier: MIT */
/*
 * Xen backend (x86 PVH): detection from the Xen CPUID leaves, the
 * hypercall page, shared_info and per-vCPU vcpu_info, the boot and per-CPU
 * set-up order, describe() and shutdown. Time, events, SMP and the console
 * live in the other files of virt/xen.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/boot.h"
#include "guest/kernel.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"

uint32_t xen_cpuid_base;
uint8_t *xen_hypercall_page;
static uint32_t hypercall_msr;

static bool xen_detect(void)
{
	if (!(cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	/* Xen's leaves sit at the first free 0x100 boundary (after
	 * Viridian's, when those are on). */
	for (uint32_t leaf = XEN_CPUID_FIRST_LEAF; leaf < 0x40010000;
	     leaf += 0x100) {
		struct cpuid_regs r = cpuid(leaf, 0);

		if (r.ebx == XEN_CPUID_SIGNATURE_EBX &&
		    r.ecx == XEN_CPUID_SIGNATURE_ECX &&
		    r.edx == XEN_CPUID_SIGNATURE_EDX && r.eax >= leaf + 2) {
			xen_cpuid_base = leaf;
			return true;
		}
	}
	return false;
}

/* Last resort when Xen cannot be asked to stop us: a triple fault makes
 * Xen crash the domain, which the runner reports; never a silent hang. */
static __noreturn void triple_fault(void)
{
	static const struct {
		uint16_t limit;
		uint64_t base;
	} __packed empty_idt = {0, 0};

	__asm__ volatile("lidt %0; int3" : : "m"(empty_idt));
	arch_halt_forever();
}

/* In the kernel image, not from the page allocator: on a PVH dom0 the
 * memory map itself comes through a hypercall. */
static uint8_t hypercall_page[PAGE_SIZE] __aligned(PAGE_SIZE);

static void hypercall_page_init(void)
{
	hypercall_msr = cpuid(xen_cpuid_base + 2, 0).ebx;
	wrmsr(hypercall_msr, (uintptr_t)hypercall_page);
	/* Xen wrote a stub per hypercall; an untouched page means no page,
	 * and no console to say so on. */
	if (!hypercall_page[0])
		triple_fault();
	xen_hypercall_page = hypercall_page;
}

/* The BIOS E820 entry layout XENMEM_memory_map fills (not a Xen type). */
struct e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type; /* 1 RAM, 2 reserved, 3 ACPI: as enum boot_mem_type */
} __packed;

/* Xen 4.17's PVH dom0 start info has no memory map: ask Xen for ours. */
static void memory_map_from_xen(struct boot_info *bi)
{
	static struct e820_entry e820[BOOT_MEMMAP_MAX];
	struct xen_memory_map map = {.nr_entries = BOOT_MEMMAP_MAX};
	int rc;

	set_xen_guest_handle(map.buffer, e820);
	rc = xen_memory_op(XENMEM_memory_map, &map);
	if (rc)
		xen_fail("XENMEM_memory_map (the start info has no memory map)",
			 rc);
	for (unsigned i = 0; i < map.nr_entries && i < BOOT_MEMMAP_MAX; i++)
		bi->mem[i] = (struct boot_mem_range){e820[i].addr, e820[i].size,
						     e820[i].type};
	bi->nr_mem = MIN(map.nr_entries, (unsigned)BOOT_MEMMAP_MAX);
}

/* BSP, before memory set-up and before the kernel's first line: output
 * before the hypercall page goes to COM1, which on Xen is not ours. */
static void xen_early_init(struct boot_info *bi)
{
	hypercall_page_init();
	xen_features_init();
	xen_console_init();
	if (!bi->nr_mem)
		memory_map_from_xen(bi);
	xen_acpi_fix_xsdt(bi);
}

static void xen_init(void)
{
	xen_shared_info_init();
	xen_vcpu_info_register(this_cpu());
	xen_time_init();
}

/* The logical CPU numbering (MADT order) must match Xen's vCPU ids: the
 * PVH MADT lists vCPU i as ACPI processor i, APIC id 2 * i. */
static void check_vcpu_id(struct cpu *c)
{
	int id = xen_cpuid_vcpu_id();

	if (id >= 0 && (unsigned)id != xen_vcpu_id(c)) {
		kprintf("vsched: xen: logical CPU %u is Xen vCPU %d (APIC id"
			" %u): the MADT order is not the vCPU order\n", c->id,
			id, c->hw_id);
		xen_fail("matching logical CPUs to Xen vCPU ids", -EINVAL);
	}
}

static void xen_cpu_init(void)
{
	struct cpu *c = this_cpu();
	int rc;

	check_vcpu_id(c);
	if (!xen_pcpu(c)->vcpu_info)
		xen_vcpu_info_register(c);
	rc = xen_upcall_cpu_init(xen_vcpu_id(c));
	if (rc)
		xen_fail("event channel upcall set-up (vector and callback)",
			 rc);
	xen_evtchn_clear_pending(c);
	xen_time_cpu_init();
	xen_runstate_cpu_init();
	rc = xen_ipi_cpu_init();
	if (rc)
		xen_fail("EVTCHNOP_bind_ipi", rc);
	xen_debug_cpu_init();
}

static void print_version(void)
{
	char v[48];

	xen_version_string(v, sizeof(v));
	kprintf("vsched: virt xen: Xen %s, %s PVH, CPUID leaves at 0x%x,"
		" hypercall page via MSR 0x%x\n", v,
		xen_is_dom0 ? "dom0" : "domU", xen_cpuid_base, hypercall_msr);
}

static void xen_describe(void)
{
	print_version();
	kprintf("vsched: virt xen: clock %s; timer VIRQ_TIMER +"
		" VCPUOP_set_singleshot_timer, periodic timer stopped\n",
		xen_time_describe());
	kprintf("vsched: virt xen: events 2-level via %s; IPIs %u event"
		" channels per vCPU (EVTCHNOP_bind_ipi); console %s; SMP"
		" VCPUOP_initialise + VCPUOP_up\n", xen_upcall_describe(),
		IPI_NR, xen_console_describe());
	kprintf("vsched: virt xen: steal time %s\n", xen_runstate_describe());
	xen_print_cmdline();
}

static __noreturn void xen_shutdown(int code)
{
	if (xen_hypercalls_ready())
		xen_shutdown_hypercall(code);
	triple_fault();
}

/* An interrupt was ended by a fault: if it was the upcall, its handler
 * never ran (the flag Xen set stays set, and Xen raises the vector only
 * when it sets it anew) or ran part-way (ports it had yet to scan stay
 * pending, and are never signalled again). Take every pending event now:
 * the one-shot timer is one, and a vCPU that lost it would idle for good
 * (all16.xen once hung so in the stress suite, after the guard-page
 * interrupt tests). */
static void xen_irq_lost(void)
{
	xen_evtchn_rescan(this_cpu());
}

const struct virt_ops virt_ops_xen = {
	XEN_OPS_COMMON,
	.irq_lost = xen_irq_lost,
	.clock_ns = xen_clock_ns,
	.set_deadline = xen_set_deadline,
	.describe = xen_describe,
	.cpu_start = xen_cpu_start,
};
