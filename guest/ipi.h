/* SPDX-License-Identifier: MIT */
/* Cross-calls: run a function on another vCPU from its IPI handler. */
#ifndef GUEST_IPI_H
#define GUEST_IPI_H

#include "types.h"

/* Run fn(arg) on vCPU cpu in interrupt context. With wait, returns after
 * fn finished there. Call with IRQs enabled (the sender keeps them on while
 * it waits for the slot, so two CPUs calling each other cannot deadlock).
 * fn may itself post a call with wait == false. Returns 0, -EINVAL (bad or
 * offline cpu), -EDEADLK (cpu is the caller's own) or, with wait, -EFAULT:
 * fn faulted there and the thread it came in on was killed (a fault on an
 * idle vCPU, with nobody to kill, is a panic). */
int ipi_call(unsigned cpu, void (*fn)(void *), void *arg, bool wait);
void ipi_handle_call(void);   /* IPI_CALL handler (guest/irq.c) */
/* The thread this vCPU ran is being killed for a fault, which may have come
 * in an IPI's entry or in a cross-call's fn (guest/irq.c): signal a call
 * whose IPI was lost again, end one whose fn faulted. IRQs off. */
void ipi_thread_fault(void);

#endif
