/* SPDX-License-Identifier: MIT */
/*
 * Constants shared by the riscv64 assembly and C: the trap frame layout
 * (struct arch_regs, checked in traps.c), per-CPU offsets (checked in
 * smp.c and pcpu.h), CSR numbers and bits, and the Sv48 entry bits.
 */
#ifndef ARCH_RISCV64_ASM_H
#define ARCH_RISCV64_ASM_H

#ifdef __ASSEMBLY__
#define _UL(x) x
#else
#define _UL(x) x##UL
#endif

/* struct arch_regs: x[32] (x[0] unused, x[2] the interrupted sp), then
 * sepc, sstatus, scause, stval. */
#define S_X(n) (8 * (n))
#define S_SEPC 256
#define S_SSTATUS 264
#define S_SCAUSE 272
#define S_STVAL 280
#define FRAME_SIZE 288

/* struct cpu offsets (guest/percpu.h, checked in smp.c). */
#define CPU_OFF_FAULT_CTX_ASM 24
#define CPU_OFF_ARCH_ASM 32
/* struct arch_pcpu (pcpu.h) in this_cpu()->arch: the fault buffer
 * pointer, the emergency stack top, then the trap entry's scratch slots
 * (t0, t1, and the CSRs of the trap being entered). */
#define PC_FAULT (CPU_OFF_ARCH_ASM + 0)
#define PC_EMERG_SP (CPU_OFF_ARCH_ASM + 8)
#define PC_T0 (CPU_OFF_ARCH_ASM + 16)
#define PC_T1 (CPU_OFF_ARCH_ASM + 24)
#define PC_SEPC (CPU_OFF_ARCH_ASM + 32)
#define PC_SSTATUS (CPU_OFF_ARCH_ASM + 40)
#define PC_SCAUSE (CPU_OFF_ARCH_ASM + 48)
#define PC_STVAL (CPU_OFF_ARCH_ASM + 56)
/* After ipi_pending: the kernel stack of traps from user mode (user.c),
 * and the user-mode entry's scratch (the user's sp and tp). */
#define PC_KSTACK (CPU_OFF_ARCH_ASM + 72)
#define PC_USP (CPU_OFF_ARCH_ASM + 80)
#define PC_UTP (CPU_OFF_ARCH_ASM + 88)
/* (+ 96: the loaded satp, user.c's.) Not the kernel path's slots: a fault on the kernel stack in the middle
 * of the user entry (a stale translation) would take those. */
#define PC_UT0 (CPU_OFF_ARCH_ASM + 104)
#define PC_USEPC (CPU_OFF_ARCH_ASM + 112)
#define PC_USSTATUS (CPU_OFF_ARCH_ASM + 120)
#define PC_USCAUSE (CPU_OFF_ARCH_ASM + 128)
#define PC_USTVAL (CPU_OFF_ARCH_ASM + 136)

#define BOOT_STACK_SIZE 16384

/* sstatus, sie / sip bits. */
#define SR_SIE (_UL(1) << 1)
#define SR_SPIE (_UL(1) << 5)
#define SR_SPP (_UL(1) << 8)
#define SR_VS (_UL(3) << 9)
#define SR_FS (_UL(3) << 13)
#define SR_SUM (_UL(1) << 18)
#define SR_MXR (_UL(1) << 19)
#define IE_SSIE (_UL(1) << 1)
#define IE_STIE (_UL(1) << 5)
#define IE_SEIE (_UL(1) << 9)
#define IRQ_S_SOFT 1
#define IRQ_S_TIMER 5
#define IRQ_S_EXT 9
#define CAUSE_IRQ (_UL(1) << 63)

/* CSRs the assembler may not name (Sstc, Zkr). */
#define CSR_STIMECMP 0x14d
#define CSR_SEED 0x015

/* satp: Sv48 (MODE 9), the ASID (bits 59:44) and the root table's PPN. */
#define SATP_SV48 (_UL(9) << 60)
#define SATP_ASID_SHIFT 44
#define SATP_ASID_MASK (_UL(0xffff) << SATP_ASID_SHIFT)

/* Sv48 page-table entry bits. */
#define PTE_V (_UL(1) << 0)
#define PTE_R (_UL(1) << 1)
#define PTE_W (_UL(1) << 2)
#define PTE_X (_UL(1) << 3)
#define PTE_U (_UL(1) << 4)
#define PTE_G (_UL(1) << 5)
#define PTE_A (_UL(1) << 6)
#define PTE_D (_UL(1) << 7)
#define PTE_PPN_SHIFT 10

#endif
