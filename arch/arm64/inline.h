/* SPDX-License-Identifier: MIT */
/*
 * The arch contract's hottest calls, inline: IRQ state and this_cpu() run
 * several times per context switch, where a call each would cost more
 * than the instruction it wraps. Included by include/arch.h only.
 */
#ifndef ARCH_ARM64_INLINE_H
#define ARCH_ARM64_INLINE_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long f;

	__asm__ volatile("mrs %0, daif" : "=r"(f));
	__asm__ volatile("msr daifset, #2" : : : "memory");
	return !(f & (1ul << 7)); /* DAIF.I */
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags)
		__asm__ volatile("msr daifclr, #2" : : : "memory");
}

/* TPIDR_EL1 holds the struct cpu pointer (set at CPU bring-up). */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(c));
	return c;
}

/* A branch patched at boot (guest/jump.h): a nop, recorded in
 * .jump_sites with its target and key, that arch_jump_patch() turns into
 * a b. Off, the site costs one nop. */
#define ARCH_JUMP_SITE(key, label)                                         \
	__asm__ goto("1: nop\n\t"                                           \
		     ".pushsection .jump_sites, \"a\"\n\t"                    \
		     ".balign 4\n\t"                                           \
		     ".long 1b - ., %l1 - ., %c0\n\t"                          \
		     ".popsection" : : "i"(key) : : label)

/* struct switch_frame (switch.h): the seal, a pad, x19..x28, x29 and
 * x30 (the return address). */
#define ARCH_SWITCH_SEAL_OFF 0
#define ARCH_SWITCH_RET_OFF 104
#define ARCH_SWITCH_FRAME_SIZE 112

#endif
