/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the arm64 assembly and C: the exception frame layout
 * (struct arch_regs, checked in traps.c), per-CPU slot numbers, and the
 * system register values the boot head programs.
 */
#ifndef ARCH_ARM64_ASM_H
#define ARCH_ARM64_ASM_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

/* struct arch_regs: x0..x30, sp, elr, spsr, esr, far. */
#define S_X30 240
#define S_SP 248
#define S_ELR 256
#define S_SPSR 264
#define S_ESR 272
#define S_FAR 280
#define FRAME_SIZE 288

/* struct cpu offsets (guest/percpu.h, checked in smp.c). */
#define CPU_OFF_FAULT_CTX_ASM 24
#define CPU_OFF_ARCH_ASM 32
/* this_cpu()->arch holds struct arch_pcpu (pcpu.h): the fault context
 * (14 words), then the emergency stack top (checked there). */
#define CPU_OFF_EMERG_SP_ASM (CPU_OFF_ARCH_ASM + 8 * 14)

#define BOOT_STACK_SIZE 16384

/* A BTI landing pad for indirect calls (a hint: a no-op without FEAT_BTI).
 * C calls the assembly functions with a direct bl (the kernel is built
 * without -fno-plt, whose GOT calls would be blr's): the pads at their
 * entries are for any indirect call to come (cfi.c). */
#define BTI_C hint #34

/* MAIR_EL1 attribute indexes used in descriptors. */
#define MT_DEVICE_nGnRnE 0
#define MT_DEVICE_nGnRE 1
#define MT_NORMAL 2
#define MT_NORMAL_NC 3
#define MAIR_VALUE 0x44ff0400 /* NC 0x44, WB 0xff, nGnRE 0x04, nGnRnE 0x00 */

/* Descriptor bits (4 KiB granule). */
#define PTE_VALID (_UL(1) << 0)
#define PTE_TABLE (_UL(1) << 1)  /* table at L0-L2, page at L3 */
#define PTE_ATTR(i) (_UL(i) << 2)
#define PTE_RDONLY (_UL(1) << 7) /* AP[2] */
#define PTE_SH_INNER (_UL(3) << 8)
#define PTE_AF (_UL(1) << 10)
#define PTE_PXN (_UL(1) << 53)
#define PTE_UXN (_UL(1) << 54)
#define BLOCK_DEVICE (PTE_VALID | PTE_ATTR(MT_DEVICE_nGnRE) | PTE_AF | PTE_PXN | PTE_UXN)
#define BLOCK_NORMAL (PTE_VALID | PTE_ATTR(MT_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN)

/* TCR_EL1: 48-bit VA in TTBR0 (T0SZ 16), 4 KiB granule, write-back
 * inner-shareable walks, TTBR1 walks off (EPD1); IPS is added from
 * ID_AA64MMFR0_EL1 at run time. */
#define TCR_VALUE ((16 << 0) | (1 << 8) | (_UL(1) << 10) | (3 << 12) | (1 << 23))

/* SCTLR_EL1: RES1 bits of ARMv8.0, plus M (MMU), C, SA (SP alignment), I. */
#define SCTLR_EL1_RES1 0x30d00800
#define SCTLR_VALUE (SCTLR_EL1_RES1 | (_UL(1) << 0) | (_UL(1) << 2) | (1 << 3) | (1 << 12))

/* GICv3 CPU interface registers by encoding (older assemblers lack names). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_SRE_EL2 S3_4_C12_C9_5

#endif
