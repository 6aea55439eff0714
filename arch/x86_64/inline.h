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

/* A branch patched at boot (guest/jump.h): a 5-byte nop, recorded in
 * .jump_sites with its target and key, that arch_jump_patch() turns into
 * a jmp rel32. Off, the site costs one nop. */
#define ARCH_JUMP_SITE(key, label)                                         \
	__asm__ goto("1: .byte 0x0f, 0x1f, 0x44, 0x00, 0x00\n\t"           \
		     ".pushsection .jump_sites, \"a\"\n\t"                    \
		     ".balign 4\n\t"                                           \
		     ".long 1b - ., %l1 - ., %c0\n\t"                          \
		     ".popsection" : : "i"(key) : : label)

/* struct switch_frame (switch.h): the seal, six registers, the return
 * address. */
#define ARCH_SWITCH_SEAL_OFF 0
#define ARCH_SWITCH_RET_OFF 56
#define ARCH_SWITCH_FRAME_SIZE 64

#endif
