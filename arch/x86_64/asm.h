/* SPDX-License-Identifier: MIT */
/* Constants shared by the x86-64 assembly and C code. */
#ifndef ARCH_X86_64_ASM_H
#define ARCH_X86_64_ASM_H

#define GDT_CODE64 0x08
#define GDT_DATA 0x10
#define GDT_CODE32 0x18
#define GDT_UDATA 0x20  /* user data, DPL 3: STAR's sysret base + 8 */
#define GDT_UCODE64 0x28 /* user 64-bit code, DPL 3: sysret base + 16 */
#define GDT_TSS_BASE 0x30 /* one 16-byte TSS descriptor per CPU */
#define GDT_ENTRIES (6 + 2 * 64)

#define BOOT_STACK_SIZE 16384
#define TRAMPOLINE_BASE 0x8000 /* real-mode AP entry, SIPI vector 0x08 */

/* Interrupt vectors. */
#define VEC_DF 8
#define VEC_NMI 2
#define VEC_PF 14
#define VEC_XEN_UPCALL 0xe0
#define VEC_TIMER 0xec
#define VEC_IPI_BASE 0xf0 /* + enum ipi_kind */
#define VEC_SPURIOUS 0xff

/* Offsets in struct arch_regs (traps.h). */
#define REGS_RAX 112
#define REGS_VECTOR 120
#define REGS_CS 144
#define REGS_RFLAGS 152
#define REGS_SIZE 176
/* The vector recorded in the frame of a system call (not a real one). */
#define VEC_SYSCALL 0x100
/* The GS base MSR (cpu.h; entry.S reads it to tell the user's base). */
#define MSR_GS_BASE 0xc0000101

#endif

/* struct cpu offsets (guest/percpu.h; checked by _Static_assert in smp.c) */
#define CPU_OFF_FAULT_CTX_ASM 24
#define CPU_OFF_ARCH_ASM 32
/* struct arch_pcpu's kstack_top and user_rsp, from %gs (pcpu.h) */
#define PCPU_KSTACK_ASM (CPU_OFF_ARCH_ASM + 96)
#define PCPU_USER_RSP_ASM (CPU_OFF_ARCH_ASM + 104)

/* this_cpu()->arch holds struct arch_pcpu (pcpu.h), the fault context
 * first. */

#define VEC_TLB 0xf8
