/* SPDX-License-Identifier: MIT */
/*
 * Weak defaults for the scheduler seams (guest/kernel.h): without a
 * scheduler, main runs on the boot stack and other CPUs just idle.
 */
#include "arch.h"
#include "guest/kernel.h"
#include "guest/lib/printf.h"

#define __weak __attribute__((weak))

__weak void sched_init(void) {}

__weak __noreturn void sched_start(void (*main_fn)(void *), void *arg)
{
	arch_irq_enable();
	main_fn(arg);
	kernel_shutdown(EXIT_OK);
}

__weak __noreturn void sched_cpu_enter(void)
{
	for (;;)
		arch_wait_for_irq();
}

__weak void sched_timer_interrupt(void) {}
__weak void sched_resched_ipi(void) {}
__weak void sched_irq_exit(void) {}
__weak void sched_thread_fault(unsigned vector, uintptr_t addr) {}
__weak void sched_print_threads(void) { kprintf("no scheduler\n"); }
__weak void sched_demo(void) { sched_print_threads(); }
