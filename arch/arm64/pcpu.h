/* SPDX-License-Identifier: MIT */
/* arm64's per-CPU state, overlaid on this_cpu()->arch (guest/percpu.h). */
#ifndef ARCH_ARM64_PCPU_H
#define ARCH_ARM64_PCPU_H

#include "types.h"
#include "guest/percpu.h"
#include "arch/arm64/asm.h"

/* arch_fault_try()'s resume point, stored and loaded by switch.S. */
struct fault_ctx {
	uintptr_t x19_x28[10], fp, lr, sp, daif;
};

struct arch_pcpu {
	struct fault_ctx fault; /* first: switch.S finds it at CPU_OFF_ARCH */
	uintptr_t emerg_sp;     /* stack top for stack overflows (entry.S) */
	uintptr_t gicr;         /* this CPU's GICv3 redistributor RD frame */
	uint32_t irq_active;    /* IRQ_ACTIVE | the IAR of the interrupt
				 * being handled; 0: none */
	uint64_t ttbr0;         /* TTBR0_EL1 as loaded (user.c) */
};
#define IRQ_ACTIVE (1u << 31) /* an IAR's bit 31 is always 0 */
_Static_assert(sizeof(struct arch_pcpu) <= sizeof(((struct cpu *)0)->arch),
	       "struct arch_pcpu in struct cpu's arch area");
_Static_assert(offsetof(struct arch_pcpu, fault) == 0 &&
		       offsetof(struct fault_ctx, sp) == 96,
	       "switch.S: arch_fault_try, fault_resume");
_Static_assert(CPU_OFF_ARCH_ASM + offsetof(struct arch_pcpu, emerg_sp) ==
		       CPU_OFF_EMERG_SP_ASM, "entry.S: the emergency stack");

static inline struct arch_pcpu *arch_pcpu(struct cpu *c)
{
	return (struct arch_pcpu *)c->arch;
}

#endif
