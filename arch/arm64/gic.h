/* SPDX-License-Identifier: MIT */
/* GICv3: distributor, redistributors, system-register CPU interface. */
#ifndef ARCH_ARM64_GIC_H
#define ARCH_ARM64_GIC_H

#include "types.h"

int gic_init_bsp(void);            /* distributor + gic_init_cpu(); -errno */
int gic_init_cpu(void);            /* this CPU's redistributor + ICC_* */
void gic_enable_ppi(unsigned intid); /* this CPU, SGI/PPI intid < 32 */
uint32_t gic_ack(void);            /* ICC_IAR1: the INTID (1023: none) */
void gic_eoi(uint32_t iar);
void gic_send_sgi(uint32_t hw_id, unsigned intid);
void gic_send_sgi_others(unsigned intid);

#endif
