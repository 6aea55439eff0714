/* SPDX-License-Identifier: MIT */
/*
 * arm64's device tree, through Debian's libfdt (libfdt-dev:arm64, linked
 * from its static libfdt.a): what arch/dt/dt.c reads for every arch
 * (memory, command line, CPUs), then the PL011, GICv3, virtual timer PPI,
 * PSCI conduit and /hypervisor. Builds for the guest and, for the unit
 * tests, for the host (HOST_TEST).
 */
#include <libfdt.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/dt/dt.h"
#include "arch/arm64/dt.h"

#define GIC_SPI 0
#define GIC_PPI 1

/* Interrupt idx of node (3-cell GIC specifier) as a GIC INTID, or 0. */
static unsigned dt_intid(const void *fdt, int node, int idx)
{
	int len;
	const fdt32_t *p = fdt_getprop(fdt, node, "interrupts", &len);

	if (!p || (idx + 1) * 12 > len)
		return 0;
	p += 3 * idx;
	switch (fdt32_to_cpu(p[0])) {
	case GIC_PPI:
		return 16 + fdt32_to_cpu(p[1]);
	case GIC_SPI:
		return 32 + fdt32_to_cpu(p[1]);
	}
	return 0;
}

/* The hw_id form of arch/arm64/cpu.h: Aff3 in bits 31:24. */
static uint32_t mpidr_hw_id(uint64_t mpidr)
{
	return (uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
}

static void parse_devices(const void *fdt, struct dt_info *out)
{
	int node;
	uint64_t size;

	node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	if (node >= 0 && !dt_reg(fdt, node, 0, &out->gicd_base, &size) &&
	    !dt_reg(fdt, node, 1, &out->gicr_base, &out->gicr_size))
		out->gic_version = 3;
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node >= 0) /* secure phys, non-secure phys, virtual, hyp */
		out->timer_virt_intid = dt_intid(fdt, node, 2);
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	if (node >= 0) {
		out->psci = dt_prop_is(fdt, node, "method", "hvc") ||
			    dt_prop_is(fdt, node, "method", "smc");
		out->psci_hvc = out->psci && dt_prop_is(fdt, node, "method", "hvc");
	}
	node = fdt_path_offset(fdt, "/hypervisor");
	if (node >= 0 && !fdt_node_check_compatible(fdt, node, "xen,xen")) {
		out->xen = true;
		out->xen_evtchn_intid = dt_intid(fdt, node, 0);
		dt_reg(fdt, node, 0, &out->xen_grant_base, &out->xen_grant_size);
	}
}

int dt_parse(const void *fdt, struct boot_info *bi, struct dt_info *out)
{
	uint64_t size;
	int node, rc = dt_parse_common(fdt, bi);

	if (rc)
		return rc;
	node = dt_console_node(fdt, "arm,pl011");
	if (node >= 0)
		dt_reg(fdt, node, 0, &out->uart_base, &size);
	dt_parse_cpus(fdt, bi, mpidr_hw_id);
	parse_devices(fdt, out);
	return 0;
}
