/* SPDX-License-Identifier: MIT */
/*
 * The hypervisor contract: one struct virt_ops per backend (virt/none,
 * virt/kvm, virt/xen), chosen once at boot by virt_select(). Portable code
 * uses only the virt_*() wrappers below, never a backend directly.
 */
#ifndef VSCHED_VIRT_H
#define VSCHED_VIRT_H

#include "arch.h" /* enum ipi_kind */
#include "types.h"
#include "guest/trace.h"

struct boot_info;

struct virt_ops {
	const char *name;                 /* "kvm", "xen", "none" */
	bool (*detect)(void);             /* BSP, early: is this backend usable */
	/* BSP, IRQs off, right after virt_select() and before memory set-up
	 * (no page allocator yet); may be NULL. May set up the console, and
	 * fills bi->mem when the boot protocol gave no memory map (Xen's PVH
	 * dom0 gets it from XENMEM_memory_map). */
	void (*early_init)(struct boot_info *bi);
	void (*init)(void);               /* BSP, IRQs off: clock, console */
	void (*cpu_init)(void);           /* each CPU, IRQs off, before idle */
	uint64_t (*clock_ns)(void);       /* monotonic ns since boot, any CPU */
	/* Arm this CPU's one-shot timer at absolute clock_ns() time deadline;
	 * VIRT_NO_DEADLINE disarms it. IRQs off. */
	void (*set_deadline)(uint64_t deadline_ns);
	void (*send_ipi)(unsigned cpu, enum ipi_kind kind);
	void (*send_ipi_others)(enum ipi_kind kind);
	void (*console_write)(const char *s, size_t n); /* console lock held */
	__noreturn void (*shutdown)(int code);           /* 0 = success */
	void (*describe)(void);           /* print backend features in use */
	/* Start secondary vCPU id; NULL means arch_cpu_start() (INIT-SIPI on
	 * x86, PSCI on arm64). Same contract as arch_cpu_start(). */
	int (*cpu_start)(unsigned id, uint32_t hw_id, void *stack_top);
	/* The cheapest round trip to the hypervisor (floor benchmark), and
	 * what it is ("cpuid exit", "xen_version hypercall"). */
	void (*null_exit)(void);
	const char *null_exit_name;
	/* Tell the host a benchmark boundary (hv counts exits per mark);
	 * NULL where no host listens. */
	void (*bench_mark)(uint32_t mark);
	/* Steal time, valid while virt_steal_on: ns vCPU cpu was ready to
	 * run but the hypervisor ran something else, since its record was
	 * registered (non-decreasing); and whether vCPU cpu is, right now,
	 * stopped by the hypervisor while ready (a racy hint). Any CPU may
	 * ask about any vCPU; IRQs on or off. */
	uint64_t (*steal_ns)(unsigned cpu);
	bool (*vcpu_preempted)(unsigned cpu);
	/* Paravirtual spinlocks (guest/pvspin.c); NULL where the backend
	 * cannot. pv_wait: IRQs off, halt this vCPU until pv_kick(it) (a kick
	 * sent before the halt ends it at once); 1 kicked, 0 woke early
	 * without a kick (an event was due), 2 the safety timeout ended it
	 * (Xen x86: 10 ms, so a lost kick delays instead of hanging), -1 this
	 * vCPU cannot halt yet (not set up). pv_kick: any context. */
	int (*pv_wait)(void);
	void (*pv_kick)(unsigned cpu);
	/* Directed yield: give this vCPU's physical CPU to vCPU cpu, which
	 * the caller saw preempted while it waits on it (KVM_HC_SCHED_YIELD;
	 * Xen has no directed yield, so SCHEDOP_yield: Xen runs another of
	 * its ready vCPUs, of which the preempted one is one). Any context;
	 * returns at once where the hypervisor has nothing else to run. */
	void (*pv_yield_to)(unsigned cpu);
	/* Which of the three above work on this boot (VIRT_PV_*): set once
	 * the BSP's cpu_init has run (KVM probes its hypercalls there);
	 * NULL: none. */
	unsigned (*pv_caps)(void);
	/* An interrupt was ended without its handler having run, or with it
	 * run part-way: the thread it came in on was killed (x86: its frame
	 * found no room; any arch: a fault in the handler). Deliver now what
	 * the backend would otherwise never deliver again (Xen: pending
	 * events, whose upcall flag stays set and is never raised anew, or
	 * whose ports are never signalled again). IRQs off; NULL where
	 * nothing stays stuck. */
	void (*irq_lost)(void);
};

#define VIRT_PV_HALT_KICK 1u /* pv_wait and pv_kick */
#define VIRT_PV_YIELD 2u     /* pv_yield_to */

#define VIRT_NO_DEADLINE UINT64_MAX

extern const struct virt_ops *virt;
/* virt/virt.c: name of built backend i (what virt= accepts), NULL past the
 * last; the backend for this boot. */
const char *virt_backend_name(unsigned i);
const struct virt_ops *virt_select(void);

/* Set by a backend's init when every vCPU gets a steal-time record (KVM's
 * steal-time MSR, Xen's runstate area) and steal= is not off. */
extern bool virt_steal_on;

static inline uint64_t virt_clock_ns(void) { return virt->clock_ns(); }
void virt_set_deadline_traced(uint64_t ns);
/* Both ways end in a tail call: tracing adds no frame to the caller. */
static inline void virt_set_deadline(uint64_t ns)
{
	if (__builtin_expect(trace_on(), 0))
		virt_set_deadline_traced(ns);
	else
		virt->set_deadline(ns);
}
void virt_send_ipi_traced(unsigned cpu, enum ipi_kind k);
static inline void virt_send_ipi(unsigned cpu, enum ipi_kind k)
{
	if (__builtin_expect(trace_on(), 0))
		virt_send_ipi_traced(cpu, k);
	else
		virt->send_ipi(cpu, k);
}
static inline void virt_send_ipi_others(enum ipi_kind k) { virt->send_ipi_others(k); }

/* 0 and false where the backend keeps no record. */
static inline uint64_t virt_steal_ns(unsigned cpu)
{
	return virt_steal_on ? virt->steal_ns(cpu) : 0;
}
static inline bool virt_vcpu_is_preempted(unsigned cpu)
{
	return virt_steal_on && virt->vcpu_preempted(cpu);
}

static inline unsigned virt_pv_caps(void)
{
	return virt->pv_caps ? virt->pv_caps() : 0;
}

#endif
