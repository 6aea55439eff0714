/* SPDX-License-Identifier: MIT */
/*
 * arm64 _hypercallN primitives (xen/include/public/arch-arm.h): the
 * hypercall number in x16, arguments in x0..x4, "hvc #0xEA1", the result in
 * x0. Xen may clobber the argument registers (debug builds do), so they
 * are in/out operands. Included by virt/xen/hypercall.h only.
 */
#ifndef VIRT_XEN_HYPERCALL_ARM64_H
#define VIRT_XEN_HYPERCALL_ARM64_H

#include "types.h"

#define XEN_HVC_IMM "0xEA1"

static inline long _hypercall1(unsigned nr, unsigned long a1)
{
	register unsigned long x0 __asm__("x0") = a1;
	register unsigned long x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #" XEN_HVC_IMM
			 : "+r"(x0) : "r"(x16) : "memory");
	return (long)x0;
}

static inline long _hypercall2(unsigned nr, unsigned long a1, unsigned long a2)
{
	register unsigned long x0 __asm__("x0") = a1;
	register unsigned long x1 __asm__("x1") = a2;
	register unsigned long x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #" XEN_HVC_IMM
			 : "+r"(x0), "+r"(x1) : "r"(x16) : "memory");
	return (long)x0;
}

static inline long _hypercall3(unsigned nr, unsigned long a1, unsigned long a2,
			       unsigned long a3)
{
	register unsigned long x0 __asm__("x0") = a1;
	register unsigned long x1 __asm__("x1") = a2;
	register unsigned long x2 __asm__("x2") = a3;
	register unsigned long x16 __asm__("x16") = nr;

	__asm__ volatile("hvc #" XEN_HVC_IMM
			 : "+r"(x0), "+r"(x1), "+r"(x2) : "r"(x16) : "memory");
	return (long)x0;
}

/* Set once the backend detected Xen (no page to fill on arm64). */
extern bool xen_arm64_ready;
static inline bool xen_hypercalls_ready(void) { return xen_arm64_ready; }

#endif
