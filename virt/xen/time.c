/* SPDX-License-Identifier: MIT */
/*
 * Xen time: the clock from each vCPU's vcpu_time_info (pvclock, converted
 * as xen.h documents), and the tickless one-shot timer: the periodic timer
 * stopped, VCPUOP_set_singleshot_timer for deadlines, VIRQ_TIMER bound on
 * every vCPU for the expiry.
 */
#include "arch.h"
#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"
#include "virt/pvclock.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

static uint64_t clock_base;  /* Xen system time at our clock's zero */
static bool clock_stable;    /* Xen says the TSC is synchronised */
static uint64_t last_ns;     /* monotonic clamp when it is not */
static uint64_t tsc_khz;
static bool tsc_emulated;    /* rdtsc traps to Xen */
static char desc[128];

static const volatile struct vcpu_time_info *my_time(void)
{
	struct cpu *c = this_cpu();
	struct vcpu_info *vi = xen_pcpu(c)->vcpu_info;
	unsigned legacy = xen_vcpu_id(c) % XEN_LEGACY_MAX_VCPUS;

	/* Before VCPUOP_register_vcpu_info, Xen updates the legacy slot. */
	if (!vi)
		vi = &xen_shared->vcpu_info[legacy];
	return &vi->time;
}

uint64_t xen_system_time_ns(void)
{
	unsigned long f = arch_irq_save(); /* stay on this vCPU's record */
	uint64_t ns = pvclock_read(my_time());

	arch_irq_restore(f);
	return ns;
}

uint64_t xen_clock_ns(void)
{
	uint64_t ns = xen_system_time_ns() - clock_base;

	/* Each vCPU extrapolates its own record: never let a reading on one
	 * vCPU fall behind one already returned on another. */
	return clock_stable ? ns : pvclock_monotonic(&last_ns, ns);
}

static uint64_t tsc_khz_from(const volatile struct vcpu_time_info *t)
{
	uint32_t max = cpuid(xen_cpuid_base, 0).eax;

	if (max >= xen_cpuid_base + 3) {
		struct cpuid_regs r = cpuid(xen_cpuid_base + 3, 0);

		tsc_emulated = r.eax & 1;
		ledger_tsc_traps = tsc_emulated; /* every rdtsc is a trap now */
		if (r.ecx)
			return r.ecx;
	}
	return pvclock_tsc_hz(t) / 1000;
}

void xen_time_init(void)
{
	const volatile struct vcpu_time_info *t = my_time();

	clock_stable = t->flags & XEN_PVCLOCK_TSC_STABLE_BIT;
	tsc_khz = tsc_khz_from(t);
	if (!tsc_khz)
		xen_fail("reading the TSC rate (CPUID leaf 3 and vcpu_time_info"
			 " both empty)", 0);
	/* The arch needs the TSC rate and PVH has no PIT to measure it. */
	timer_set_tsc_hz(tsc_khz * 1000, "xen");
	clock_base = pvclock_read(t);
	ksnprintf(desc, sizeof(desc), "pvclock in vcpu_info (TSC %lu kHz%s%s)",
		  tsc_khz, clock_stable ? ", stable" : ", per-vCPU, clamped",
		  tsc_emulated ? ", emulated by Xen" : "");
}

const char *xen_time_describe(void) { return desc; }

/* Arm this vCPU's Xen one-shot timer at clock time ns. Without the
 * VCPU_SSHOTTMR_future flag a past deadline fires at once. */
static void arm(uint64_t ns)
{
	uint64_t abs = ns + clock_base;
	struct vcpu_set_singleshot_timer t = {
		/* Xen's time is signed: far deadlines must not wrap. */
		.timeout_abs_ns = abs < ns || abs > INT64_MAX ? INT64_MAX : abs,
	};
	int rc = xen_vcpu_op(VCPUOP_set_singleshot_timer,
			     xen_vcpu_id(this_cpu()), &t);

	if (rc)
		xen_fail("VCPUOP_set_singleshot_timer", rc);
}

/* IRQs are off by contract; saved anyway, as the word and the Xen timer
 * must belong to one vCPU. */
void xen_set_deadline(uint64_t deadline_ns)
{
	unsigned long f = arch_irq_save();
	struct cpu *c = this_cpu();
	uint64_t *armed = &xen_pcpu(c)->deadline;

	if (*armed != deadline_ns) { /* else already armed in Xen */
		*armed = deadline_ns;
		if (deadline_ns == VIRT_NO_DEADLINE)
			xen_vcpu_op(VCPUOP_stop_singleshot_timer,
				    xen_vcpu_id(c), NULL);
		else
			arm(deadline_ns);
	}
	arch_irq_restore(f);
}

/* VIRQ_TIMER on this vCPU (IRQs off). An event with nothing armed is a
 * leftover from a deadline since replaced; one that comes before the
 * deadline (our clock and Xen's disagree by a hair) re-arms. */
static void timer_event(unsigned port, uintptr_t arg)
{
	struct xen_pcpu *w = xen_pcpu(this_cpu());
	uint64_t deadline = w->deadline;

	if (deadline == VIRT_NO_DEADLINE) {
		w->timer_stale++;
		return;
	}
	if (xen_clock_ns() < deadline) {
		w->timer_early++;
		arm(deadline);
		return;
	}
	w->deadline = VIRT_NO_DEADLINE;
	kernel_timer_interrupt();
}

void xen_time_cpu_init(void)
{
	struct cpu *c = this_cpu();
	unsigned vcpu = xen_vcpu_id(c);
	int rc = xen_vcpu_op(VCPUOP_stop_periodic_timer, vcpu, NULL);

	if (rc)
		xen_fail("VCPUOP_stop_periodic_timer", rc);
	xen_vcpu_op(VCPUOP_stop_singleshot_timer, vcpu, NULL);
	xen_pcpu(c)->deadline = VIRT_NO_DEADLINE;
	rc = xen_evtchn_bind_virq(VIRQ_TIMER, vcpu, timer_event, 0);
	if (rc < 0)
		xen_fail("EVTCHNOP_bind_virq(VIRQ_TIMER)", rc);
	xen_pcpu(c)->timer_port = (unsigned)rc;
}

bool xen_timer_uses_evtchn(void) { return true; }

uint64_t xen_poll_timeout_10ms(void)
{
	return xen_system_time_ns() + 10000000;
}

bool xen_poll_expired(uint64_t deadline)
{
	return xen_system_time_ns() >= deadline;
}
