/* SPDX-License-Identifier: MIT */
/*
 * Xen hypercalls: the x86-64 _hypercallN primitives (a call into the
 * hypercall page Xen wrote, at entry nr * 32) and one typed wrapper per
 * hypercall virt/xen uses. Include virt/xen/xen.h first (ABI version).
 */
#ifndef VIRT_XEN_HYPERCALL_H
#define VIRT_XEN_HYPERCALL_H

#include "types.h"

/* Filled by Xen when its physical address is written to the MSR named by
 * CPUID leaf base + 2; NULL before xen_init(). */
extern uint8_t *xen_hypercall_page;

#define XEN_HYPERCALL_ENTRY(nr) ((void *)(xen_hypercall_page + (nr) * 32))

/*
 * 64-bit ABI: arguments in rdi, rsi, rdx, r10, r8, result in rax. Xen may
 * clobber the argument registers it used (debug builds do on purpose), so
 * they are in/out operands here. The stub is "mov $nr, %eax; vmcall; ret".
 */
static inline long _hypercall1(unsigned nr, unsigned long a1)
{
	register unsigned long r1 __asm__("rdi") = a1;
	long ret;

	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+r"(r1)
			 : [entry] "r"(XEN_HYPERCALL_ENTRY(nr))
			 : "memory");
	return ret;
}

static inline long _hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
	register unsigned long r1 __asm__("rdi") = a1;
	register unsigned long r2 __asm__("rsi") = a2;
	long ret;

	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+r"(r1), "+r"(r2)
			 : [entry] "r"(XEN_HYPERCALL_ENTRY(nr))
			 : "memory");
	return ret;
}

static inline long _hypercall3(unsigned nr, unsigned long a1, unsigned long a2,
			       unsigned long a3)
{
	register unsigned long r1 __asm__("rdi") = a1;
	register unsigned long r2 __asm__("rsi") = a2;
	register unsigned long r3 __asm__("rdx") = a3;
	long ret;

	__asm__ volatile("call *%[entry]"
			 : "=a"(ret), "+r"(r1), "+r"(r2), "+r"(r3)
			 : [entry] "r"(XEN_HYPERCALL_ENTRY(nr))
			 : "memory");
	return ret;
}

#define HC_PTR(p) ((unsigned long)(uintptr_t)(p))

/* One wrapper per hypercall; the Xen headers document each cmd. */
static inline int xen_console_io(int cmd, unsigned len, const char *buf)
{
	return (int)_hypercall3(__HYPERVISOR_console_io, (unsigned)cmd, len,
				HC_PTR(buf));
}

static inline int xen_version(int cmd, void *arg)
{
	return (int)_hypercall2(__HYPERVISOR_xen_version, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_memory_op(unsigned cmd, void *arg)
{
	return (int)_hypercall2(__HYPERVISOR_memory_op, cmd, HC_PTR(arg));
}

static inline int xen_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
	return (int)_hypercall3(__HYPERVISOR_vcpu_op, (unsigned)cmd, vcpu,
				HC_PTR(arg));
}

static inline int xen_evtchn_op(int cmd, void *arg)
{
	return (int)_hypercall2(__HYPERVISOR_event_channel_op, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_sched_op(int cmd, void *arg)
{
	return (int)_hypercall2(__HYPERVISOR_sched_op, (unsigned)cmd,
				HC_PTR(arg));
}

static inline int xen_hvm_op(int cmd, void *arg)
{
	return (int)_hypercall2(__HYPERVISOR_hvm_op, (unsigned)cmd,
				HC_PTR(arg));
}

#endif
