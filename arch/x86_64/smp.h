/* SPDX-License-Identifier: MIT */
/* Secondary vCPU start-up pieces shared with x86 virt backends (Xen). */
#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include "types.h"

/* Point the next AP at stack_top and logical id; returns the physical
 * address of the 32-bit protected-mode entry (flat segments, paging off)
 * from which it reaches long mode and arch_ap_main(). */
uint32_t smp_ap_prepare(unsigned id, void *stack_top);
/* Wait (seconds at most) until vCPU id is online: 0 or -ETIMEDOUT. */
int smp_ap_wait_online(unsigned id);

void smp_set_kernel_stack(unsigned id, uintptr_t top);
/* user.c */
void user_cpu_init(void);            /* each CPU, from cpu_setup() */
void tlb_flush_all(void);            /* every PCID, global entries too */
struct arch_regs;
void user_fault(struct arch_regs *r); /* an exception in user mode */
uint64_t user_syscall_fixups(void);   /* syscalls finished by user_fault() */
#endif
