/* SPDX-License-Identifier: MIT */
/*
 * The arch contract's hottest calls, inline: IRQ state (sstatus.SIE) and
 * this_cpu() (tp). Included by include/arch.h only.
 */
#ifndef ARCH_RISCV64_INLINE_H
#define ARCH_RISCV64_INLINE_H

static inline unsigned long arch_irq_save(void)
{
	unsigned long f;

	__asm__ volatile("csrrci %0, sstatus, 2" : "=r"(f) : : "memory");
	return f & 2; /* SIE */
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags)
		__asm__ volatile("csrsi sstatus, 2" : : : "memory");
}

/* tp holds the struct cpu pointer from CPU bring-up on (the kernel has no
 * thread-local storage); 0 before. */
static inline struct cpu *this_cpu(void)
{
	struct cpu *c;

	__asm__ volatile("mv %0, tp" : "=r"(c));
	return c;
}

/* A branch patched at boot (guest/jump.h): a nop, recorded in
 * .jump_sites with its target and key, that arch_jump_patch() turns into
 * a jal x0. The kernel is built without compressed instructions, so the
 * nop is the 4 bytes the jal replaces. */
#define ARCH_JUMP_SITE(key, label)                                         \
	__asm__ goto("1: nop\n\t"                                           \
		     ".pushsection .jump_sites, \"a\"\n\t"                    \
		     ".balign 4\n\t"                                           \
		     ".long 1b - ., %l1 - ., %0\n\t"                           \
		     ".popsection" : : "i"(key) : : label)

/* struct switch_frame (switch.h): ra, s0..s11, the seal. */
#define ARCH_SWITCH_SEAL_OFF 104
#define ARCH_SWITCH_RET_OFF 0
#define ARCH_SWITCH_FRAME_SIZE 112

#endif
