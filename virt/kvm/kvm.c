/* SPDX-License-Identifier: MIT */
/*
 * KVM backend (x86): kvmclock for time, PV EOI, steal time (with the
 * preempted flag), the PV send-IPI hypercall, and for paravirtual
 * spinlocks halt and kick (PV unhalt, KVM_HC_KICK_CPU) and directed yield
 * (KVM_HC_SCHED_YIELD), each switchable off (kvmclock=off pveoi=off
 * steal=off pvipi=off pvspin=off pvyield=off, or nopv for all) so the
 * plain paths stay tested under KVM too. Every hypercall user waits for a
 * boot probe that a hypercall returns at all.
 */
#include <asm/kvm_para.h>
#include <linux/kvm_para.h>
#include <string.h>
#include <xen/xen.h> /* struct vcpu_time_info: kvmclock shares its layout */

#include "arch.h"
#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "virt/none/none.h"
#include "virt/pvclock.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pcpu.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("nopv", false, "KVM: no paravirtual feature at all"));
OPTION(OPT_BOOL("kvmclock", true, "KVM: kvmclock as the clock"));
OPTION(OPT_BOOL("pveoi", true, "KVM: paravirtual EOI"));
OPTION(OPT_BOOL("pvipi", true, "KVM: PV send-IPI hypercall (off by itself "
	 "where a boot probe finds hypercalls do nothing)"));

/* The backend's per-CPU state, overlaid on this_cpu()->virt. */
struct kvm_pcpu {
	struct vcpu_time_info clock; /* kvmclock, registered per vCPU */
	uint32_t eoi;                /* the PV EOI word */
};
_Static_assert(sizeof(struct kvm_pcpu) <= sizeof(((struct cpu *)0)->virt),
	       "struct kvm_pcpu in struct cpu's virt area");

static inline struct kvm_pcpu *kvm_pcpu(struct cpu *c)
{
	return (struct kvm_pcpu *)c->virt;
}

static bool use_clock, use_eoi, use_ipi, use_steal, use_unhalt, use_yield;
static bool amd;
static const char *hc_state = "not tried"; /* the boot probe's finding */
static bool clock_stable;
static uint64_t clock_base;    /* kvmclock reading at our clock zero */
static uint64_t last_ns;       /* monotonic clamp when not TSC-stable */

_Static_assert(sizeof(struct vcpu_time_info) == 32, "kvmclock layout");
_Static_assert(sizeof(struct kvm_steal_time) == 64, "steal-time layout");

/* One steal-time record per vCPU, 64-byte aligned as the MSR requires;
 * KVM writes it at each entry after the vCPU thread waited on the host,
 * and sets preempted when the host takes the CPU from a running vCPU. */
static struct kvm_steal_time steal_rec[MAX_CPUS] __aligned(64);
static uint64_t steal_base[MAX_CPUS]; /* steal at registration */

static bool kvm_detect(void)
{
	struct cpuid_regs r;
	char sig[13];

	if (!(cpuid(1, 0).ecx & CPUID1_ECX_HYPERVISOR))
		return false;
	r = cpuid(KVM_CPUID_SIGNATURE, 0);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	return !memcmp(sig, "KVMKVMKVM\0\0\0", 12) && r.eax >= KVM_CPUID_FEATURES;
}

/* The feature offered by KVM and wanted: bool option key, and not nopv. */
static bool feature_on(uint32_t features, unsigned bit, const char *key)
{
	return !option_bool("nopv") && option_bool(key) && (features & (1u << bit));
}

static struct vcpu_time_info *my_clock(void)
{
	return &kvm_pcpu(this_cpu())->clock;
}

static uint64_t kvm_clock_ns(void)
{
	unsigned long f = arch_irq_save();
	uint64_t ns = pvclock_read(my_clock()) - clock_base;

	arch_irq_restore(f);
	/* Without a stable TSC, never let time go backwards across vCPUs. */
	return clock_stable ? ns : pvclock_monotonic(&last_ns, ns);
}

static void clock_cpu_init(void)
{
	wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)my_clock() | 1);
}

/* KVM bumps version to odd, writes, bumps it to even again. */
static uint64_t steal_read(const struct kvm_steal_time *r)
{
	uint32_t v;
	uint64_t s;

	do {
		v = __atomic_load_n(&r->version, __ATOMIC_ACQUIRE);
		s = __atomic_load_n(&r->steal, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((v & 1) || v != __atomic_load_n(&r->version, __ATOMIC_RELAXED));
	return s;
}

static uint64_t kvm_steal_ns(unsigned cpu)
{
	return cpu < MAX_CPUS ? steal_read(&steal_rec[cpu]) - steal_base[cpu] : 0;
}

static bool kvm_vcpu_preempted(unsigned cpu)
{
	return cpu < MAX_CPUS &&
	       (__atomic_load_n(&steal_rec[cpu].preempted, __ATOMIC_RELAXED) &
		KVM_VCPU_PREEMPTED);
}

/* Each vCPU registers its own record (the MSR is per vCPU). */
static void steal_cpu_init(void)
{
	unsigned id = this_cpu()->id;

	wrmsr(MSR_KVM_STEAL_TIME, (uintptr_t)&steal_rec[id] | KVM_MSR_ENABLED);
	steal_base[id] = steal_read(&steal_rec[id]);
}

static void kvm_init(void)
{
	uint32_t f = cpuid(KVM_CPUID_FEATURES, 0).eax;

	amd = cpuid(0, 0).ebx == 0x68747541; /* "Auth" */
	use_clock = feature_on(f, KVM_FEATURE_CLOCKSOURCE2, "kvmclock");
	use_eoi = feature_on(f, KVM_FEATURE_PV_EOI, "pveoi");
	/* Confirmed by a probe in kvm_cpu_init(): on the software KVM
	 * (kvm_pvm) of our build machines a hypercall from emulated CPL0
	 * code returns without doing anything. */
	use_ipi = feature_on(f, KVM_FEATURE_PV_SEND_IPI, "pvipi");
	use_steal = feature_on(f, KVM_FEATURE_STEAL_TIME, "steal");
	use_unhalt = feature_on(f, KVM_FEATURE_PV_UNHALT, "pvspin");
	use_yield = feature_on(f, KVM_FEATURE_PV_SCHED_YIELD, "pvyield");
	if (use_steal) {
		steal_cpu_init();
		virt_steal_on = true;
	}
	clock_stable = f & (1u << KVM_FEATURE_CLOCKSOURCE_STABLE_BIT);
	if (use_clock) {
		const struct vcpu_time_info *t = my_clock();
		uint64_t hz;

		clock_cpu_init();
		hz = pvclock_tsc_hz(t);
		if (hz) {
			timer_set_tsc_hz(hz, "kvmclock");
			clock_base = pvclock_read(t);
		} else {
			kprintf("vsched: kvm: kvmclock left its record empty;"
				" using the TSC\n");
			use_clock = false;
		}
	}
}

/* ---- does a hypercall work here? (BSP, once, at boot) ----
 * On the software KVM (kvm_pvm) of our build machines a hypercall from
 * emulated guest kernel code never completes: KVM re-enters the guest at
 * the instruction, forever, taking interrupts in between. So the probe
 * runs with IRQs on and a timer armed: if the timer finds the vCPU still
 * at the probe's instruction, it moves it past and says so. */
static uintptr_t probe_rip;          /* the probe's vmcall/vmmcall */
static volatile bool probe_stuck;

static void probe_timer(void)
{
	struct arch_regs *r = arch_pcpu(this_cpu())->irq_regs;

	if (r && r->rip == probe_rip) {
		r->rip += 3; /* both instructions are 3 bytes */
		r->rax = (uint64_t)-KVM_ENOSYS;
		probe_stuck = true;
	}
}

/* A PV send-IPI of the PING vector to ourselves (taken and ignored once
 * IRQs are on: no ping hook): 1 = one IPI sent. */
static long probe_call(void)
{
	uint32_t id = this_cpu()->hw_id;
	long ret;

	ledger_add(LEDGER_IPI); /* before a3: a call may clobber rsi */
	register unsigned long a3 __asm__("rsi") = APIC_DM_FIXED | (0xf0 + IPI_PING);

	/* The same sequence around either vendor's instruction. */
#define PROBE_ASM(insn)                                                        \
	__asm__ volatile("lea 1f(%%rip), %%r8\n\tmov %%r8, %[at]\n\t"           \
			 "sti\n1:\t" insn "\n\tcli"                                \
			 : "=a"(ret), [at] "=m"(probe_rip)                     \
			 : "a"(KVM_HC_SEND_IPI), "b"(1ul << (id & 63)), "c"(0ul), \
			   "d"((unsigned long)(id & ~63u)), "r"(a3)            \
			 : "r8", "memory")
	if (amd)
		PROBE_ASM("vmmcall");
	else
		PROBE_ASM("vmcall");
#undef PROBE_ASM
	return ret;
}

static void probe_hypercalls(void)
{
	struct cpu *c = this_cpu();
	long rc;

	c->timer_hook = probe_timer;
	/* 20 ms: a working hypercall, emulated instruction by instruction,
	 * still returns well within it. */
	virt_set_deadline(virt_clock_ns() + 20000000);
	rc = probe_call();
	if (!probe_stuck) { /* the PING IPI is in, or about to be: wait */
		arch_irq_enable();
		WAIT_UNTIL(probe_stuck || READ_ONCE(c->ipi_count[IPI_PING]),
			   virt_clock_ns(), 20000000, arch_cpu_relax());
		arch_irq_disable();
	}
	c->timer_hook = NULL;
	virt_set_deadline(VIRT_NO_DEADLINE);
	if (!probe_stuck && rc == 1 && c->ipi_count[IPI_PING]) {
		hc_state = "work: a PV IPI to self was delivered";
		return;
	}
	hc_state = probe_stuck ? "never complete here: the probe was stopped "
				 "by a timer"
			       : "do nothing here: a PV IPI to self was not "
				 "delivered";
	kprintf("vsched: kvm: hypercalls from guest kernel mode %s: PV IPI, "
		"PV unhalt and directed yield off (rc %ld)\n", hc_state, rc);
	use_ipi = use_unhalt = use_yield = false;
}

static void kvm_cpu_init(void)
{
	if (use_clock)
		clock_cpu_init();
	if (use_steal && this_cpu()->id) /* the BSP's is set up in init */
		steal_cpu_init();
	/* Cycle/ns conversion for deadlines (and the clock if kvmclock is
	 * off); the TSC frequency is known by now. */
	none_cpu_init_clock();
	if (use_eoi) {
		volatile uint32_t *w = &kvm_pcpu(this_cpu())->eoi;

		*w = 0;
		wrmsr(MSR_KVM_PV_EOI_EN, (uintptr_t)w | KVM_MSR_ENABLED);
		apic_set_pv_eoi(w);
	}
	if ((use_ipi || use_unhalt || use_yield) && this_cpu()->id == 0)
		probe_hypercalls();
}

static long kvm_hypercall4(unsigned long nr, unsigned long a0, unsigned long a1,
			   unsigned long a2, unsigned long a3)
{
	long ret;

	ledger_add(nr == KVM_HC_SEND_IPI ? LEDGER_IPI : LEDGER_HYPERCALL);
	if (amd)
		__asm__ volatile("vmmcall" : "=a"(ret)
				 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
				 : "memory");
	else
		__asm__ volatile("vmcall" : "=a"(ret)
				 : "a"(nr), "b"(a0), "c"(a1), "d"(a2), "S"(a3)
				 : "memory");
	return ret;
}

static uint32_t ipi_icr(enum ipi_kind k)
{
	return k == IPI_STOP ? APIC_DM_NMI : APIC_DM_FIXED | (0xf0 + k);
}

static void kvm_send_ipi(unsigned cpu, enum ipi_kind k)
{
	struct cpu *c = cpu_get(cpu);

	if (!c)
		return;
	if (!use_ipi || kvm_hypercall4(KVM_HC_SEND_IPI, 1, 0, c->hw_id, ipi_icr(k)) < 0)
		arch_ipi_send(cpu, k);
}

static void kvm_send_ipi_others(enum ipi_kind k)
{
	uint64_t lo = 0, hi = 0;
	uint32_t self = this_cpu()->hw_id;

	if (!use_ipi) {
		arch_ipi_send_others(k);
		return;
	}
	/* One hypercall for up to 128 APIC ids starting at 0. */
	for (unsigned i = 0; i < cpu_count(); i++) {
		uint32_t id = cpu_get(i)->hw_id;

		if (id == self || !cpu_get(i)->online)
			continue;
		if (id < 64)
			lo |= 1ull << id;
		else if (id < 128)
			hi |= 1ull << (id - 64);
	}
	if ((lo || hi) && kvm_hypercall4(KVM_HC_SEND_IPI, lo, hi, 0, ipi_icr(k)) < 0)
		arch_ipi_send_others(k);
}

/* Paravirtual spinlocks: with PV unhalt, a hlt (IRQs off) ends when
 * another vCPU names this one in KVM_HC_KICK_CPU, and a kick sent before
 * the hlt makes it return at once (KVM keeps pv_unhalted until the next
 * halt). KVM cannot say why a hlt ended: every wake counts as a kick. No
 * safety timeout either (IRQs are off), as in Linux's kvm_wait(). */
static int kvm_pv_wait(void)
{
	if (!use_unhalt)
		return -1;
	ledger_add(LEDGER_HALT);
	__asm__ volatile("hlt" : : : "memory");
	return 1;
}

static void kvm_pv_kick(unsigned cpu)
{
	struct cpu *c = cpu_get(cpu);

	if (use_unhalt && c)
		kvm_hypercall4(KVM_HC_KICK_CPU, 0, c->hw_id, 0, 0);
}

static void kvm_pv_yield_to(unsigned cpu)
{
	struct cpu *c = cpu_get(cpu);

	if (use_yield && c)
		kvm_hypercall4(KVM_HC_SCHED_YIELD, c->hw_id, 0, 0, 0);
}

static unsigned kvm_pv_caps(void)
{
	return (use_unhalt ? VIRT_PV_HALT_KICK : 0) |
	       (use_yield ? VIRT_PV_YIELD : 0);
}

static void kvm_set_deadline(uint64_t ns)
{
	none_set_deadline_with(ns, virt->clock_ns);
}

static void kvm_console_write(const char *s, size_t n) { arch_console_write(s, n); }
static __noreturn void kvm_shutdown(int code) { arch_exit(code); }

/* hv counts KVM exits between marks written to this port (QEMU ignores
 * the write). */
static void kvm_bench_mark(uint32_t mark)
{
	outl(0xf8, mark);
}

static void kvm_describe(void)
{

	kprintf("vsched: virt kvm: kvmclock %s%s, PV EOI %s, steal time %s, PV IPI"
		" %s, PV unhalt %s, directed yield %s (%s; hypercalls %s)\n",
		use_clock ? "on" : "off",
		use_clock && clock_stable ? " (stable)" : "",
		use_eoi ? "on" : "off", use_steal ? "on" : "off",
		use_ipi ? "on" : "off", use_unhalt ? "on" : "off",
		use_yield ? "on" : "off", amd ? "vmmcall" : "vmcall", hc_state);
}

static uint64_t clock_dispatch(void)
{
	return use_clock ? kvm_clock_ns() : none_clock_ns();
}

const struct virt_ops virt_ops_kvm = {
	.name = "kvm",
	.detect = kvm_detect,
	.init = kvm_init,
	.cpu_init = kvm_cpu_init,
	.clock_ns = clock_dispatch,
	.set_deadline = kvm_set_deadline,
	.send_ipi = kvm_send_ipi,
	.send_ipi_others = kvm_send_ipi_others,
	.console_write = kvm_console_write,
	.shutdown = kvm_shutdown,
	.describe = kvm_describe,
	.null_exit = arch_null_exit,
	.null_exit_name = "cpuid",
	.bench_mark = kvm_bench_mark,
	.steal_ns = kvm_steal_ns,
	.vcpu_preempted = kvm_vcpu_preempted,
	.pv_wait = kvm_pv_wait,
	.pv_kick = kvm_pv_kick,
	.pv_yield_to = kvm_pv_yield_to,
	.pv_caps = kvm_pv_caps,
};
