/* SPDX-License-Identifier: MIT */
/*
 * Device-tree reading shared by the arches that boot with one (arch/dt/dt.h),
 * through libfdt: memory, reserved memory, command line, CPUs, console.
 */
#include <libfdt.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/dt/dt.h"

uint64_t dt_read_cells(const void *p, int cells)
{
	const fdt32_t *c = p;
	uint64_t v = 0;

	for (int i = 0; i < cells; i++)
		v = v << 32 | fdt32_to_cpu(c[i]);
	return v;
}

int dt_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size)
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
	*base = dt_read_cells(reg, ac);
	*size = sc ? dt_read_cells(reg + ac, sc) : 0;
	return 0;
}

bool dt_prop_is(const void *fdt, int node, const char *name, const char *val)
{
	int len;
	const char *p = fdt_getprop(fdt, node, name, &len);

	return p && len > 0 && strnlen(p, len) == strlen(val) && !strcmp(p, val);
}

bool dt_node_okay(const void *fdt, int node)
{
	return !fdt_getprop(fdt, node, "status", NULL) ||
	       dt_prop_is(fdt, node, "status", "okay") ||
	       dt_prop_is(fdt, node, "status", "ok");
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
		if (!dt_prop_is(fdt, node, "device_type", "memory"))
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

static void parse_bootargs(const void *fdt, struct boot_info *bi)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len;
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", &len) : NULL;

	if (args) {
		size_t n = strnlen(args, len);

		bi->cmdline_truncated = n >= BOOT_CMDLINE_MAX;
		n = n < BOOT_CMDLINE_MAX ? n : BOOT_CMDLINE_MAX - 1;
		memcpy(bi->cmdline, args, n);
		bi->cmdline[n] = 0;
	}
}

int dt_console_node(const void *fdt, const char *compat)
{
	int chosen = fdt_path_offset(fdt, "/chosen"), len, node = -1;
	const char *path = chosen >= 0 ? fdt_getprop(fdt, chosen, "stdout-path", &len) : NULL;

	if (path) { /* "/pl011@9000000:115200n8" or an alias */
		const char *colon = memchr(path, ':', strnlen(path, len));
		int n = colon ? (int)(colon - path) : (int)strnlen(path, len);

		node = fdt_path_offset_namelen(fdt, path, n);
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, compat))
		node = fdt_node_offset_by_compatible(fdt, -1, compat);
	return node >= 0 ? node : -1;
}

void dt_parse_cpus(const void *fdt, struct boot_info *bi,
		   uint32_t (*hw_id)(uint64_t reg))
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;

	if (cpus < 0)
		return;
	int ac = fdt_address_cells(fdt, cpus);

	fdt_for_each_subnode(node, fdt, cpus) {
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);

		if (!dt_prop_is(fdt, node, "device_type", "cpu") || !reg ||
		    !dt_node_okay(fdt, node) || ac < 1 || ac > 2 ||
		    len < ac * 4 || bi->nr_cpus >= MAX_CPUS)
			continue;
		bi->cpu_hw_ids[bi->nr_cpus++] = hw_id(dt_read_cells(reg, ac));
	}
	bi->cpus_source = "DT";
}

int dt_parse_common(const void *fdt, struct boot_info *bi)
{
	if (fdt_check_header(fdt))
		return -EINVAL;
	bi->dtb_pa = (uintptr_t)fdt;
	parse_memory(fdt, bi);
	reserve(bi, (uintptr_t)fdt, fdt_totalsize(fdt));
	parse_bootargs(fdt, bi);
	return 0;
}
