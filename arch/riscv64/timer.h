/* SPDX-License-Identifier: MIT */
#ifndef ARCH_RISCV64_TIMER_H
#define ARCH_RISCV64_TIMER_H

#include "types.h"

/* Boot hart, once the device tree is read: pick the clock (rdtime, or the
 * cycle CSR where it counts at an exact multiple of it). */
void clock_init(uint64_t time0, uint64_t cycle0, uint64_t *boot_cycles);
/* Whether the clock is the cycle CSR counting one per instruction at
 * 1 GHz, i.e. QEMU under -icount shift=0. */
bool clock_counts_instructions(void);
int timer_init_bsp(void);    /* Sstc or SBI TIME; 0 or -ENODEV */
void timer_init_cpu(void);   /* this hart: timer off, its interrupt ready */
void timer_irq(void);        /* the supervisor timer interrupt */
const char *timer_describe(void);

#endif
