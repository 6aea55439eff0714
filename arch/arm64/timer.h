/* SPDX-License-Identifier: MIT */
/* Generic timer set-up (arch/arm64/timer.c). */
#ifndef ARCH_ARM64_TIMER_H
#define ARCH_ARM64_TIMER_H

int timer_init_bsp(void);   /* after gic_init_bsp(); -ENODEV: no timer PPI */
void timer_init_cpu(void);  /* each CPU, after gic_init_cpu() */
unsigned timer_intid(void);

#endif
