/* SPDX-License-Identifier: MIT */
/*
 * The arch contract's hottest calls, inline: IRQ state and this_cpu() run
 * several times per context switch, where a call each would cost more
 * than the instruction it wraps. Included by include/arch.h only.
 */
#ifndef ARCH_X86_64_INLINE_H
#define ARCH_X86_64_INLINE_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long f;

	__asm__ volatile("pushfq; pop %0; cli" : "=r"(f) : : "memory");
	return f & 0x200;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & 0x200)
		__asm__ volatile("sti" : : : "memory");
}

/* %gs:0 holds the struct cpu pointer (cpu_setup). */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mov %%gs:0, %0" : "=r"(c));
	return c;
}

#endif
