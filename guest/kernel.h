/* SPDX-License-Identifier: MIT */
/*
 * The portable kernel's internal seams: what guest/main.c calls in the
 * scheduler (guest/sched/), and boot-wide state.
 */
#ifndef GUEST_KERNEL_H
#define GUEST_KERNEL_H

#include "types.h"

/* guest/sched: all called with IRQs off. */
void sched_init(void);
__noreturn void sched_start(void (*main_fn)(void *), void *arg);
__noreturn void sched_cpu_enter(void);
void sched_timer_interrupt(void);
void sched_resched_ipi(void);
void sched_irq_exit(void);
void sched_thread_fault(unsigned vector, uintptr_t addr);
/* Would sched_thread_fault() kill a thread here (else it returns, and the
 * arch code panics)? */
bool sched_fault_killable(void);
void sched_print_threads(void);
void sched_demo(void);

/* guest/main.c */
#define EXIT_OK 0
#define EXIT_TEST_FAILED 1
#define EXIT_BAD_CMDLINE 2
__noreturn void kernel_shutdown(int code);

#endif
