/* SPDX-License-Identifier: MIT */
/*
 * Host implementation of the arch contract for unit tests: IRQ control is a
 * no-op, each host thread is its own "CPU", cycles come from the host clock.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "arch.h"
#include "guest/percpu.h"

static __thread struct cpu host_cpu;
static __thread bool host_irq_on = true;

unsigned long arch_irq_save(void)
{
	unsigned long f = host_irq_on;

	host_irq_on = false;
	return f;
}
void arch_irq_restore(unsigned long flags) { host_irq_on = flags; }
void arch_irq_enable(void) { host_irq_on = true; }
void arch_irq_disable(void) { host_irq_on = false; }
bool arch_irq_enabled(void) { return host_irq_on; }
void arch_cpu_relax(void) { sched_yield(); }
void arch_wait_for_irq(void) { sched_yield(); }

uint64_t arch_cycles(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
uint64_t arch_cycles_raw(void) { return arch_cycles(); }
struct cpu *this_cpu(void)
{
	host_cpu.self = &host_cpu;
	return &host_cpu;
}
void host_set_cpu_id(unsigned id) { host_cpu.id = id; }
__noreturn void arch_halt_forever(void) { abort(); }
void *arch_frame_pointer(void) { return __builtin_frame_address(0); }
