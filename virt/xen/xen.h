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

/* The backend's per-CPU state, overlaid on this_cpu()->virt. A vCPU
 * writes its own, except that the boot CPU may fill it for a vCPU it has
 * not started yet. */
struct xen_pcpu {
	struct vcpu_info *vcpu_info; /* registered with Xen */
	uint64_t deadline;           /* armed one-shot (clock ns) or NO_DEADLINE */
	uint64_t upcalls;            /* upcall vector interrupts taken */
	uint64_t events;             /* events dispatched to a handler */
	uint64_t timer_early;        /* timer events before the deadline */
	uint64_t timer_stale;        /* timer events with nothing armed */
	uint64_t hlt_skips;          /* upcalls taken in an sti shadow, at a hlt */
	unsigned timer_port;         /* VIRQ_TIMER event channel, 0 = none */
	unsigned kick_port;          /* masked channel a pv_wait polls, 0 = none */
	unsigned ipi_port[IPI_NR];   /* by enum ipi_kind, 0 = none */
};
_Static_assert(sizeof(struct xen_pcpu) <= sizeof(((struct cpu *)0)->virt),
	       "struct xen_pcpu in struct cpu's virt area");

static inline struct xen_pcpu *xen_pcpu(struct cpu *c)
{
	return (struct xen_pcpu *)c->virt;
}

/* common.c: what x86 and arm64 do alike. */
extern bool xen_is_dom0;
extern struct shared_info *xen_shared;
/* Print "vsched: xen: <what> failed: <rc>" and shut down with a failure. */
__noreturn void xen_fail(const char *what, long rc);
void xen_features_init(void);              /* sets xen_is_dom0 */
void xen_shared_info_init(void);           /* BSP: shared_info, vcpu_info page */
void xen_vcpu_info_register(struct cpu *c);
void xen_version_string(char *buf, size_t n); /* "4.17.7" */
void xen_print_cmdline(void);              /* dom0: Xen's command line */
void xen_null_exit(void);
void xen_shutdown_hypercall(int code);     /* returns only if Xen refused */

/* x86_64.c: the CPUID leaf base. */
extern uint32_t xen_cpuid_base;
/* Xen's vCPU id for logical CPU c: equal by construction (checked). */
static inline unsigned xen_vcpu_id(struct cpu *c) { return c->id; }

/* Deadlines through VIRQ_TIMER + VCPUOP_set_singleshot_timer (x86: time.c)
 * or the arch's own timer (arm64.c). */
bool xen_timer_uses_evtchn(void);
/* An absolute SCHEDOP_poll timeout 10 ms from now, in Xen system time
 * (x86: time.c); 0 = none where the guest cannot read that time (arm64). */
uint64_t xen_poll_timeout_10ms(void);
bool xen_poll_expired(uint64_t deadline); /* Xen's time is past it */

/* time.c (x86): pvclock, the one-shot timer and the VIRQ_TIMER handler. */
void xen_time_init(void);             /* BSP, after vcpu_info of vCPU 0 */
void xen_time_cpu_init(void);         /* each CPU: periodic off, VIRQ bound */
uint64_t xen_clock_ns(void);          /* monotonic ns since boot */
uint64_t xen_system_time_ns(void);    /* Xen system time, this vCPU's view */
void xen_set_deadline(uint64_t deadline_ns);
const char *xen_time_describe(void);

/* evtchn.c: 2-level scanning, binding, handler table (any arch). */
typedef void (*xen_port_fn)(unsigned port, uintptr_t arg);
void xen_evtchn_upcall(struct cpu *c);    /* the upcall's body, IRQs off */
/* An upcall ended by a fault in its handler, maybe part-way: deliver what
 * it left pending (every word scanned). IRQs off. */
void xen_evtchn_rescan(struct cpu *c);
int xen_evtchn_bind_virq(unsigned virq, unsigned vcpu, xen_port_fn fn,
			 uintptr_t arg);         /* port or -errno */
int xen_evtchn_bind_ipi(unsigned vcpu, xen_port_fn fn, uintptr_t arg);
int xen_evtchn_send(unsigned port);
void xen_evtchn_mask(unsigned port);
int xen_evtchn_unmask(unsigned port);
bool xen_evtchn_is_pending(unsigned port);
/* Clear port's pending bit; was it set? (A masked port the guest polls
 * with SCHEDOP_poll is consumed so.) */
bool xen_evtchn_test_and_clear(unsigned port);
bool xen_evtchn_is_masked(unsigned port);
void xen_evtchn_clear_pending(struct cpu *c); /* vcpu_info flags */
uint64_t xen_evtchn_unknown_events(void); /* events on unbound ports */

/* upcall_x86.c: how the upcall arrives on x86. */
int xen_upcall_cpu_init(unsigned vcpu); /* per-vCPU vector, or callback via */
const char *xen_upcall_describe(void);

/* smp.c (x86): vCPU bring-up with VCPUOP_initialise / VCPUOP_up. */
int xen_cpu_start(unsigned id, uint32_t hw_id, void *stack_top);
/* ipi.c: IPIs over event channels. */
int xen_ipi_cpu_init(void);
void xen_send_ipi(unsigned cpu, enum ipi_kind kind);
void xen_send_ipi_others(enum ipi_kind kind);
/* ... and the kick channel of paravirtual spinlocks (SCHEDOP_poll). */
int xen_pv_wait(void);
void xen_pv_kick(unsigned cpu);
void xen_pv_yield_to(unsigned cpu);
unsigned xen_pv_caps(void);

/* The members of virt_ops_xen both architectures share; x86_64.c and
 * arm64.c add the clock, the deadline timer, describe() and, on x86, the
 * vCPU bring-up (each file has its own detect, init and shutdown). */
#define XEN_OPS_COMMON                                                    \
	.name = "xen", .detect = xen_detect, .early_init = xen_early_init, \
	.init = xen_init, .cpu_init = xen_cpu_init,                        \
	.send_ipi = xen_send_ipi, .send_ipi_others = xen_send_ipi_others,  \
	.console_write = xen_console_write, .shutdown = xen_shutdown,      \
	.null_exit = xen_null_exit,                                        \
	.null_exit_name = "xen_version hypercall",                         \
	.steal_ns = xen_steal_ns, .vcpu_preempted = xen_vcpu_preempted,    \
	.pv_wait = xen_pv_wait, .pv_kick = xen_pv_kick,                    \
	.pv_yield_to = xen_pv_yield_to, .pv_caps = xen_pv_caps
/* Xen's own id for the calling vCPU (CPUID leaf base + 4), or -1. */
int xen_cpuid_vcpu_id(void);

/* runstate.c: steal time and the preempted hint from each vCPU's runstate
 * area (any arch). cpu_init on each vCPU, the BSP first. */
void xen_runstate_cpu_init(void);
uint64_t xen_steal_ns(unsigned cpu);
bool xen_vcpu_preempted(unsigned cpu);
const char *xen_runstate_describe(void);

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
