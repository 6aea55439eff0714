/* SPDX-License-Identifier: MIT */
/*
 * What the files of virt/xen share: the Xen public ABI (at a pinned
 * interface version), the per-CPU words, and each file's entry points.
 */
#ifndef VIRT_XEN_XEN_H
#define VIRT_XEN_XEN_H

/* The interface these files are written against (Xen 4.14+ headers);
 * without it the headers fall back to the pre-3.2 compat hypercalls. */
#define __XEN_INTERFACE_VERSION__ 0x00040e00

#include <xen/xen.h>
#include <xen/arch-x86/cpuid.h>
#include <xen/event_channel.h>
#include <xen/features.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>
#include <xen/io/console.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>

#include "types.h"
#include "virt.h"
#include "guest/percpu.h"
#include "virt/xen/hypercall.h"

/* this_cpu()->virt[] words; a vCPU writes its own, except that the boot
 * CPU may fill them for a vCPU it has not started yet. */
enum xen_pcpu_word {
	XEN_PCPU_VCPU_INFO,   /* struct vcpu_info * registered with Xen */
	XEN_PCPU_TIMER_PORT,  /* VIRQ_TIMER event channel, 0 = none */
	XEN_PCPU_DEADLINE,    /* armed one-shot (clock ns) or NO_DEADLINE */
	XEN_PCPU_UPCALLS,     /* upcall vector interrupts taken */
	XEN_PCPU_EVENTS,      /* events dispatched to a handler */
	XEN_PCPU_TIMER_EARLY, /* timer events before the deadline (re-armed) */
	XEN_PCPU_TIMER_STALE, /* timer events with nothing armed */
	XEN_PCPU_HLT_SKIPS,   /* upcalls taken in an sti shadow, at a hlt */
	XEN_PCPU_IPI_PORT,    /* + enum ipi_kind: IPI event channels */
	XEN_PCPU_NR = XEN_PCPU_IPI_PORT + IPI_NR,
};
_Static_assert(XEN_PCPU_NR <= ARRAY_SIZE(((struct cpu *)0)->virt),
	       "virt/xen per-CPU words");

static inline uintptr_t *xen_pcpu(struct cpu *c) { return c->virt; }

/* xen.c: the CPUID leaf base, dom0 or not, and fatal setup errors. */
extern uint32_t xen_cpuid_base;
extern bool xen_is_dom0;
extern struct shared_info *xen_shared;
/* Print "vsched: xen: <what> failed: <rc>" and shut down with a failure. */
__noreturn void xen_fail(const char *what, long rc);
/* Xen's vCPU id for logical CPU c: equal by construction (checked). */
static inline unsigned xen_vcpu_id(struct cpu *c) { return c->id; }

/* time.c: pvclock, the one-shot timer and the VIRQ_TIMER handler. */
void xen_time_init(void);             /* BSP, after vcpu_info of vCPU 0 */
void xen_time_cpu_init(void);         /* each CPU: periodic off, VIRQ bound */
uint64_t xen_clock_ns(void);          /* monotonic ns since boot */
uint64_t xen_system_time_ns(void);    /* Xen system time, this vCPU's view */
void xen_set_deadline(uint64_t deadline_ns);
const char *xen_time_describe(void);

/* evtchn.c: upcall delivery, 2-level scanning, handler table. */
typedef void (*xen_port_fn)(unsigned port, uintptr_t arg);
int xen_upcall_cpu_init(unsigned vcpu); /* per-vCPU vector, or callback via */
const char *xen_upcall_describe(void);
int xen_evtchn_bind_virq(unsigned virq, unsigned vcpu, xen_port_fn fn,
			 uintptr_t arg);         /* port or -errno */
int xen_evtchn_bind_ipi(unsigned vcpu, xen_port_fn fn, uintptr_t arg);
int xen_evtchn_send(unsigned port);
void xen_evtchn_mask(unsigned port);
int xen_evtchn_unmask(unsigned port);
bool xen_evtchn_is_pending(unsigned port);
void xen_evtchn_clear_pending(struct cpu *c); /* vcpu_info flags */
uint64_t xen_evtchn_unknown_events(void); /* events on unbound ports */

/* smp.c: vCPU bring-up and IPIs over event channels. */
int xen_cpu_start(unsigned id, uint32_t hw_id, void *stack_top);
int xen_ipi_cpu_init(void);
void xen_send_ipi(unsigned cpu, enum ipi_kind kind);
void xen_send_ipi_others(enum ipi_kind kind);
/* Xen's own id for the calling vCPU (CPUID leaf base + 4), or -1. */
int xen_cpuid_vcpu_id(void);

/* debug.c: VIRQ_DEBUG (Xen debug key 'q') dumps each vCPU's state. */
void xen_debug_cpu_init(void);

/* acpi_quirk.c: repair the XSDT Xen 4.17 builds for a PVH dom0. */
struct boot_info;
void xen_acpi_fix_xsdt(const struct boot_info *bi);

/* console.c: console_io (dom0) or the PV console ring (domU). */
void xen_console_init(void);
void xen_console_write(const char *s, size_t n);
const char *xen_console_describe(void);

#endif
