/* SPDX-License-Identifier: MIT */
/* The interrupt frame built by entry.S, and trap plumbing. */
#ifndef ARCH_X86_64_TRAPS_H
#define ARCH_X86_64_TRAPS_H

#include "types.h"
#include "arch/x86_64/asm.h"

struct arch_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;                /* pushed by the stub */
	uint64_t rip, cs, rflags, rsp, ss;     /* pushed by the CPU */
};
_Static_assert(offsetof(struct arch_regs, vector) == REGS_VECTOR, "entry.S layout");
_Static_assert(sizeof(struct arch_regs) == REGS_SIZE, "entry.S layout");
_Static_assert(offsetof(struct arch_regs, rflags) == REGS_RFLAGS,
	       "entry.S layout");
_Static_assert(offsetof(struct arch_regs, cs) == REGS_CS &&
		       offsetof(struct arch_regs, rax) == REGS_RAX,
	       "entry.S layout");

typedef void (*irq_handler_t)(struct arch_regs *regs);

void traps_init(void);               /* build the IDT (boot CPU) */
void traps_load(void);               /* lidt (every CPU) */
/* Route an interrupt vector (>= 32) to handler; runs with IRQs off, the
 * arch sends the EOI afterwards unless the handler set eoi_done. */
void irq_set_handler(unsigned vector, irq_handler_t h);
void arch_dump_regs(const struct arch_regs *r);

#endif
