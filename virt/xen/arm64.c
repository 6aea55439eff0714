/* SPDX-License-Identifier: MIT */
/*
 * The Xen backend on arm64: Xen found through the device tree's
 * /hypervisor node ("xen,xen"), hypercalls with hvc #0xEA1, events on the
 * PPI that node names (the same 2-level event channels, IPIs and console as
 * x86: evtchn.c, ipi.c, console.c, common.c). Xen on arm64 has no
 * singleshot timer or VCPUOP_up for guests: time and deadlines are the
 * generic virtual timer Xen virtualises, vCPUs start through PSCI CPU_ON,
 * which Xen emulates.
 */
#include "arch.h"
#include "virt.h"
#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "virt/none/none.h"
#include "virt/xen/xen.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/dt.h"
#include "arch/arm64/gic.h"

bool xen_arm64_ready;

static bool xen_detect(void)
{
	return dt.xen && dt.xen_evtchn_intid >= 16 && dt.xen_evtchn_intid < 32;
}

/* BSP, before memory set-up and before the kernel's first line: Xen owns
 * the UART, everything before this is lost. */
static void xen_early_init(struct boot_info *bi)
{
	xen_arm64_ready = true;
	xen_features_init();
	xen_console_init();
}

static void xen_init(void)
{
	xen_shared_info_init();
	xen_vcpu_info_register(this_cpu());
}

static void evtchn_irq(unsigned intid)
{
	xen_evtchn_upcall(this_cpu());
}

/* Each vCPU, after the arch brought up its GIC redistributor and timer. */
static void xen_cpu_init(void)
{
	struct cpu *c = this_cpu();
	int rc;

	if (!xen_pcpu(c)->vcpu_info)
		xen_vcpu_info_register(c);
	xen_evtchn_clear_pending(c);
	irq_set_handler(dt.xen_evtchn_intid, evtchn_irq);
	gic_enable_ppi(dt.xen_evtchn_intid);
	none_cpu_init_clock();
	xen_runstate_cpu_init();
	rc = xen_ipi_cpu_init();
	if (rc)
		xen_fail("EVTCHNOP_bind_ipi", rc);
}

static void arm_set_deadline(uint64_t deadline_ns)
{
	none_set_deadline_with(deadline_ns, NULL);
}

static void arm_describe(void)
{
	char v[48];

	xen_version_string(v, sizeof(v));
	kprintf("vsched: virt xen: Xen %s, %s on arm64, /hypervisor in the"
		" device tree, hypercalls hvc #0xEA1\n", v,
		xen_is_dom0 ? "dom0" : "domU");
	kprintf("vsched: virt xen: clock CNTVCT, timer the generic virtual"
		" timer (Xen has no singleshot timer for arm guests)\n");
	kprintf("vsched: virt xen: events 2-level via PPI %u (INTID %u);"
		" IPIs %u event channels per vCPU (EVTCHNOP_bind_ipi); console"
		" %s; SMP PSCI CPU_ON\n", dt.xen_evtchn_intid - 16,
		dt.xen_evtchn_intid, IPI_NR, xen_console_describe());
	kprintf("vsched: virt xen: steal time %s\n", xen_runstate_describe());
	xen_print_cmdline();
}

static __noreturn void xen_shutdown(int code)
{
	if (xen_hypercalls_ready())
		xen_shutdown_hypercall(code);
	arch_exit(code);
}

bool xen_timer_uses_evtchn(void) { return false; }

/* Xen on arm keeps no vcpu_time_info for the guest: no poll timeout, so a
 * lost kick would hang there (x86 turns it into a 10 ms delay). */
uint64_t xen_poll_timeout_10ms(void) { return 0; }
bool xen_poll_expired(uint64_t deadline) { return false; }

/* The event interrupt ended by a fault in its handler (arm64 traps.c):
 * deliver what it left pending. */
static void arm_irq_lost(void)
{
	xen_evtchn_rescan(this_cpu());
}

const struct virt_ops virt_ops_xen = {
	XEN_OPS_COMMON,
	.irq_lost = arm_irq_lost,
	.clock_ns = none_clock_ns,
	.set_deadline = arm_set_deadline,
	.describe = arm_describe,
};
