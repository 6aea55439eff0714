/* SPDX-License-Identifier: MIT */
/*
 * x86-64 _hypercallN primitives: a call into the hypercall page Xen wrote,
 * at entry nr * 32. Included by virt/xen/hypercall.h only.
 */
#ifndef VIRT_XEN_HYPERCALL_X86_64_H
#define VIRT_XEN_HYPERCALL_X86_64_H

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

/* Hypercalls can be made (xen_early_init() has set up the page). */
static inline bool xen_hypercalls_ready(void) { return xen_hypercall_page; }

#endif
