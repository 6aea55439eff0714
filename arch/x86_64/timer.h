/* SPDX-License-Identifier: MIT */
/* TSC frequency and the per-CPU one-shot timer (TSC-deadline or LAPIC). */
#ifndef ARCH_X86_64_TIMER_H
#define ARCH_X86_64_TIMER_H

#include "types.h"

/* Boot CPU: find the TSC frequency (CPUID 0x15/0x16, else PIT) unless a
 * virt backend already set it; choose TSC-deadline when offered. */
void timer_init_bsp(bool allow_tsc_deadline);
void timer_init_cpu(void);             /* program this CPU's LVT timer */
void timer_set_tsc_hz(uint64_t hz, const char *source); /* virt override */
const char *timer_describe(void);

#endif
