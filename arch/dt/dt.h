/* SPDX-License-Identifier: MIT */
/*
 * Device-tree reading that arm64 and riscv64 share (arch/dt/dt.c, through
 * libfdt): memory and reserved memory, the command line, the CPUs, the
 * console's node. Each arch reads its own devices (arch/<arch>/fdt.c).
 * Builds for the guest and, for the unit tests, for the host (HOST_TEST).
 */
#ifndef ARCH_DT_DT_H
#define ARCH_DT_DT_H

#include "types.h"

struct boot_info;

/* A big-endian number of 1 or 2 cells at p. */
uint64_t dt_read_cells(const void *p, int cells);
/* Entry idx of node's "reg", in its parent's cells: 0 or -ENOENT. */
int dt_reg(const void *fdt, int node, int idx, uint64_t *base, uint64_t *size);
/* Whether node's string property name is exactly val. */
bool dt_prop_is(const void *fdt, int node, const char *name, const char *val);
/* Whether node is usable: no "status", or "okay" / "ok". */
bool dt_node_okay(const void *fdt, int node);
/* Memory nodes as RAM, less the memory reservation block, the
 * /reserved-memory regions and the tree itself (all listed as reserved);
 * the command line from /chosen/bootargs; bi->dtb_pa. 0, or -EINVAL when
 * fdt is not a device tree. */
int dt_parse_common(const void *fdt, struct boot_info *bi);
/* The node /chosen/stdout-path names, if it is compatible with compat,
 * else the first node compatible with it: its offset, or -1. */
int dt_console_node(const void *fdt, const char *compat);
/* Each CPU node's "reg" (device_type "cpu", usable), in tree order, turned
 * into bi->cpu_hw_ids[] by hw_id(); bi->cpus_source = "DT". */
void dt_parse_cpus(const void *fdt, struct boot_info *bi,
		   uint32_t (*hw_id)(uint64_t reg));

#endif
