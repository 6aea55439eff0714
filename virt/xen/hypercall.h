/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls: the per-arch _hypercallN primitives (x86-64: a call into
 * the hypercall page; arm64: hvc #0xEA1) and one typed wrapper per
 * hypercall virt/xen uses. Include virt/xen/xen.h first (ABI version).
 */
#ifndef VIRT_XEN_HYPERCALL_H
#define VIRT_XEN_HYPERCALL_H

#include "types.h"
#include "guest/ledger.h"

#if defined(__x86_64__)
#include "virt/xen/hypercall_x86_64.h"
#elif defined(__aarch64__)
#include "virt/xen/hypercall_arm64.h"
#else
#error "virt/xen: no hypercall primitives for this architecture"
#endif

#define HC_PTR(p) ((unsigned long)(uintptr_t)(p))

/* One wrapper per hypercall; the Xen headers document each cmd. Each
 * counts itself in the transition ledger: as the timer, IPI or halt it
 * stands for, else as a hypercall (cmd is a constant at most call sites,
 * so the choice folds away). */
static inline int xen_console_io(int cmd, unsigned len, const char *buf)
{
	ledger_add(LEDGER_HYPERCALL);
	return (int)_hypercall3(__HYPERVISOR_console_io, (unsigned)cmd, len,
				HC_PTR(buf));
}

static inline int xen_version(int cmd, void *arg)
{
	ledger_add(LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_xen_version, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_memory_op(unsigned cmd, void *arg)
{
	ledger_add(LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_memory_op, cmd, HC_PTR(arg));
}

static inline int xen_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	ledger_add(cmd == VCPUOP_set_singleshot_timer ||
		   cmd == VCPUOP_stop_singleshot_timer ? LEDGER_TIMER : LEDGER_HYPERCALL);
	return (int)_hypercall3(__HYPERVISOR_vcpu_op, (unsigned)cmd, vcpu,
				HC_PTR(arg));
}

static inline int xen_evtchn_op(int cmd, void *arg)
{
	ledger_add(cmd == EVTCHNOP_send ? LEDGER_IPI : LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_event_channel_op, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_sched_op(int cmd, void *arg)
{
	ledger_add(cmd == SCHEDOP_block || cmd == SCHEDOP_poll ? LEDGER_HALT
							       : LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_sched_op, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_vm_assist(unsigned cmd, unsigned type)
{
	ledger_add(LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_vm_assist, cmd, type);
}

static inline int xen_hvm_op(int cmd, void *arg)
{
	ledger_add(LEDGER_HYPERCALL);
	return (int)_hypercall2(__HYPERVISOR_hvm_op, (unsigned)cmd,
				HC_PTR(arg));
}

#endif
