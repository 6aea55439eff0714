/* SPDX-License-Identifier: MIT */
/*
 * Device tree reading through Debian's libfdt (libfdt-dev:arm64, linked
 * from its static libfdt.a): memory, reserved memory, command line, CPUs,
 * GICv3, virtual timer PPI, PSCI conduit, /hypervisor, console UART. Builds
 * for the guest and, for the unit tests, for the host (HOST_TEST).
 */
#include <libfdt.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/arm64/dt.h"

#define GIC_SPI 0
#define GIC_PPI 1

/* Cell-sized big-endian number at p (1 or 2 cells). */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(p[i]);
	return v;
}

/* Entry idx of node's "reg" in its parent's cells; 0 or -errno. */
static int dt_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node), len;
	int ac = parent >= 0 ? fdt_address_cells(fdt, parent) : 2;
	int sc = parent >= 0 ? fdt_size_cells(fdt, parent) : 1;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

	if (!reg || ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -ENOENT;
	if ((idx + 1) * (ac + sc) * 4 > len)
		return -ENOENT;
	reg += idx * (ac + sc);
	*base = read_cells(reg, ac);
	*size = sc ? read_cells(reg + ac, sc) : 0;
	return 0;
}

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

static bool prop_is(const void *fdt, int node, const char *name, const char *val)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	return p && len > 0 && strnlen(p, len) == strlen(val) && !strcmp(p, val);
}

static void add_mem(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type)
{
	if (size && bi->nr_mem < BOOT_MEMMAP_MAX)
		bi->mem[bi->nr_mem++] = (struct boot_mem_range){base, size, type};
}

/* Take [base, base + size) out of every RAM range (splitting one in two
 * where needed) and record it as reserved. */
static void reserve(struct boot_info *bi, uint64_t base, uint64_t size)
{
	uint64_t end = base + size;

	if (!size)
		return;
	for (unsigned i = 0; i < bi->nr_mem; i++) {
		struct boot_mem_range *r = &bi->mem[i];
		uint64_t rs = r->base, re = r->base + r->size;

		if (r->type != BOOT_MEM_RAM || end <= rs || base >= re)
			continue;
		if (base > rs && end < re) { /* a hole in the middle */
			r->size = base - rs;
			add_mem(bi, end, re - end, BOOT_MEM_RAM);
		} else if (base > rs) {
			r->size = base - rs;
		} else if (end < re) {
			r->base = end;
			r->size = re - end;
		} else {
			r->size = 0; /* all of it */
		}
	}
	add_mem(bi, base, size, BOOT_MEM_RESERVED);
}

static void parse_memory(const void *fdt, struct boot_info *bi)
{
	int node, sub;
	uint64_t b, s;

	fdt_for_each_subnode(node, fdt, 0) {
		if (!prop_is(fdt, node, "device_type", "memory"))
			continue;
		for (int i = 0; !dt_reg(fdt, node, i, &b, &s); i++)
			add_mem(bi, b, s, BOOT_MEM_RAM);
	}
	for (int i = 0; i < fdt_num_mem_rsv(fdt); i++)
		if (!fdt_get_mem_rsv(fdt, i, &b, &s))
			reserve(bi, b, s);
	node = fdt_path_offset(fdt, "/reserved-memory");
	if (node >= 0)
		fdt_for_each_subnode(sub, fdt, node)
			for (int i = 0; !dt_reg(fdt, sub, i, &b, &s); i++)
				reserve(bi, b, s);
}

static void parse_chosen(const void *fdt, struct boot_info *bi, struct dt_info *out)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), alen, len, node = -1;
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &alen) : NULL;
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;
	uint64_t size;

	if (args) {
		size_t n = strnlen(args, alen);

		bi->cmdline_truncated = n >= BOOT_CMDLINE_MAX;
		n = n < BOOT_CMDLINE_MAX ? n : BOOT_CMDLINE_MAX - 1;
		memcpy(bi->cmdline, args, n);
		bi->cmdline[n] = 0;
	}
	if (path) { /* "/pl011@9000000:115200n8" or an alias */
		const char *colon = memchr(path, ':', strnlen(path, len));
		int n = colon ? (int)(colon - path) : (int)strnlen(path, len);

		node = fdt_path_offset_namelen(fdt, path, n);
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011"))
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node >= 0)
		dt_reg(fdt, node, 0, &out->uart_base, &size);
}

static void parse_cpus(const void *fdt, struct boot_info *bi)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;

	if (cpus < 0)
		return;
	int ac = fdt_address_cells(fdt, cpus);

	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!prop_is(fdt, node, "device_type", "cpu") || !reg ||
		    ac < 1 || ac > 2 || len < ac * 4 || bi->nr_cpus >= MAX_CPUS)
			continue;
		uint64_t mpidr = read_cells(reg, ac);

		/* The hw_id form of arch/arm64/cpu.h: Aff3 in bits 31:24. */
		bi->cpu_hw_ids[bi->nr_cpus++] =
			(uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
	}
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
		out->psci = prop_is(fdt, node, "method", "hvc") ||
			    prop_is(fdt, node, "method", "smc");
		out->psci_hvc = out->psci && prop_is(fdt, node, "method", "hvc");
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
	int rc = fdt_check_header(fdt);

	if (rc)
		return -EINVAL;
	bi->dtb_pa = (uintptr_t)fdt;
	parse_memory(fdt, bi);
	reserve(bi, (uintptr_t)fdt, fdt_totalsize(fdt));
	parse_chosen(fdt, bi, out);
	parse_cpus(fdt, bi);
	parse_devices(fdt, out);
	bi->cpus_source = "DT";
	return 0;
}
