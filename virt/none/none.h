/* SPDX-License-Identifier: MIT */
/* Plain-hardware pieces other backends reuse for features switched off. */
#ifndef VIRT_NONE_H
#define VIRT_NONE_H

#include "types.h"

void none_clock_init(void);           /* after arch_cycles_hz() is known */
void none_cpu_init_clock(void);       /* per CPU: sets the base once */
uint64_t none_clock_ns(void);
uint64_t none_ns_to_cycles(uint64_t ns);
void none_set_deadline_with(uint64_t deadline_ns, uint64_t (*clock)(void));

#endif
