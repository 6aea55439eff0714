/* SPDX-License-Identifier: MIT */
/* Cross-calls: run a function on another vCPU from its IPI handler. */
#ifndef GUEST_IPI_H
#define GUEST_IPI_H

#include "types.h"

/* Run fn(arg) on vCPU cpu in interrupt context. With wait, returns after
 * fn finished there. Call with IRQs enabled (the sender keeps them on while
 * it waits for the slot, so two CPUs calling each other cannot deadlock).
 * fn may itself post a call with wait == false. Returns 0, -EINVAL (bad or
 * offline cpu) or -EDEADLK (cpu is the caller's own). */
int ipi_call(unsigned cpu, void (*fn)(void *), void *arg, bool wait);
void ipi_handle_call(void);   /* IPI_CALL handler (guest/irq.c) */

#endif
