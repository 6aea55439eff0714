/* SPDX-License-Identifier: MIT */
/* riscv64's per-CPU state, overlaid on this_cpu()->arch (guest/percpu.h). */
#ifndef ARCH_RISCV64_PCPU_H
#define ARCH_RISCV64_PCPU_H

#include "types.h"
#include "guest/percpu.h"
#include "arch/riscv64/asm.h"

/* arch_fault_try()'s resume point, stored and loaded by switch.S: one per
 * CPU in smp.c (too big for the arch area, with the trap scratch). */
struct fault_ctx {
	uintptr_t ra, sp, s[12], sie;
};
_Static_assert(sizeof(struct fault_ctx) == 120, "switch.S: arch_fault_try");

struct arch_pcpu {
	struct fault_ctx *fault; /* first: switch.S loads it at PC_FAULT */
	uintptr_t emerg_sp;      /* stack top for stack overflows (entry.S) */
	/* entry.S's scratch while it probes the stack: t0, t1, then the
	 * trap's sepc, sstatus, scause and stval. */
	uintptr_t scratch[6];
	uint64_t ipi_pending;    /* enum ipi_kind bits posted to this CPU */
	uintptr_t kstack_top;    /* traps from user mode land here (user.c) */
	uintptr_t usp, utp;      /* entry.S's scratch for the user's sp, tp */
	uint64_t satp;           /* as loaded (user.c) */
	/* The user entry's own scratch: t0, sepc, sstatus, scause, stval. */
	uintptr_t uscratch[5];
};
_Static_assert(sizeof(struct arch_pcpu) <= sizeof(((struct cpu *)0)->arch),
	       "struct arch_pcpu in struct cpu's arch area");
_Static_assert(CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, emerg_sp) ==
		       PC_EMERG_SP &&
	       CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, scratch) == PC_T0 &&
	       PC_STVAL == PC_T0 + 40, "entry.S: the per-CPU slots");
_Static_assert(CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, kstack_top) ==
		       PC_KSTACK &&
	       CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, usp) == PC_USP &&
	       CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, utp) == PC_UTP &&
	       CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, uscratch) ==
		       PC_UT0 && PC_USTVAL == PC_UT0 + 32,
	       "entry.S: the user-mode entry's slots");

static inline struct arch_pcpu *arch_pcpu(struct cpu *c)
{
	return (struct arch_pcpu *)c->arch;
}

#endif
