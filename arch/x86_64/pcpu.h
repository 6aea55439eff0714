/* SPDX-License-Identifier: MIT */
/* x86-64's per-CPU state, overlaid on this_cpu()->arch (guest/percpu.h). */
#ifndef ARCH_X86_64_PCPU_H
#define ARCH_X86_64_PCPU_H

#include "types.h"
#include "guest/percpu.h"
#include "arch/x86_64/asm.h"

struct arch_regs;

/* arch_fault_try()'s resume point, stored and loaded by switch.S. */
struct fault_ctx {
	uintptr_t rbx, rbp, r12, r13, r14, r15, rsp, rip, rflags;
};

struct arch_pcpu {
	struct fault_ctx fault;      /* first: switch.S's CPU_OFF_ARCH */
	volatile uint32_t *pv_eoi;   /* KVM PV EOI word, or NULL */
	uint64_t tlb_gen;            /* last TLB shootdown generation seen */
	struct arch_regs *irq_regs;  /* the interrupt being handled, or NULL */
	uintptr_t kstack_top;        /* syscall entry's stack (user.c) */
	uintptr_t user_rsp;          /* syscall entry's scratch */
	uint64_t cr3;                /* loaded tables and PCID (user.c) */
};
_Static_assert(sizeof(struct arch_pcpu) <= sizeof(((struct cpu *)0)->arch),
	       "struct arch_pcpu in struct cpu's arch area");
_Static_assert(offsetof(struct arch_pcpu, fault) == 0 &&
		       offsetof(struct fault_ctx, rflags) == 64,
	       "switch.S: arch_fault_try, fault_resume");
_Static_assert(CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, kstack_top) ==
		       PCPU_KSTACK_ASM &&
		       CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, user_rsp) ==
		       PCPU_USER_RSP_ASM, "entry.S: syscall_entry");

static inline struct arch_pcpu *arch_pcpu(struct cpu *c)
{
	return (struct arch_pcpu *)c->arch;
}

#endif
