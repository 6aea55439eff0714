/* SPDX-License-Identifier: MIT */
/* Constants shared by the x86-64 assembly and C code. */
#ifndef ARCH_X86_64_ASM_H
#define ARCH_X86_64_ASM_H

#define GDT_CODE64 0x08
#define GDT_DATA 0x10
#define GDT_CODE32 0x18
#define GDT_TSS_BASE 0x20 /* one 16-byte TSS descriptor per CPU */
#define GDT_ENTRIES (4 + 2 * 64)

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
#define REGS_VECTOR 120
#define REGS_SIZE 176

#endif

/* struct cpu offsets (guest/percpu.h; checked by _Static_assert in smp.c) */
#define CPU_OFF_FAULT_CTX_ASM 24
#define CPU_OFF_ARCH_ASM 32

/* this_cpu()->arch holds struct arch_pcpu (pcpu.h), the fault context
 * first. */

#define VEC_TLB 0xf8
