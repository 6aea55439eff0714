/* SPDX-License-Identifier: MIT */
/*
 * What the device tree told the arm64 code (arch/arm64/fdt.c fills it at
 * boot, through libfdt, before the DTB's memory is handed out).
 */
#ifndef ARCH_ARM64_DT_H
#define ARCH_ARM64_DT_H

#include "types.h"

struct boot_info;

struct dt_info {
	uint64_t uart_base;        /* PL011 (stdout-path or first pl011), 0: none */
	uint64_t gicd_base;        /* GICv3 distributor */
	uint64_t gicr_base, gicr_size; /* first redistributor region */
	unsigned gic_version;      /* 3, or 0 if no GICv3 found */
	unsigned timer_virt_intid; /* virtual timer PPI as an INTID (27) */
	bool psci;                 /* a PSCI node with a known method */
	bool psci_hvc;             /* conduit: hvc (else smc) */
	bool xen;                  /* /hypervisor is "xen,xen" */
	unsigned xen_evtchn_intid; /* Xen's event-channel PPI as an INTID */
	uint64_t xen_grant_base, xen_grant_size; /* /hypervisor reg */
};

extern struct dt_info dt;

/* Parse the DTB at fdt into bi (memory, command line, vCPUs) and dt.
 * 0 or -errno (then bi and dt say what was found before the error). */
int dt_parse(const void *fdt, struct boot_info *bi, struct dt_info *out);

#endif
