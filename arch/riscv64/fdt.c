/* SPDX-License-Identifier: MIT */
/*
 * riscv64's device tree, through libfdt (built from linux-source's copy by
 * arch/riscv64/arch.mk: Debian 12 has no riscv64 libfdt-dev): what
 * arch/dt/dt.c reads for every arch (memory, command line, harts), then
 * the timebase, the boot hart's ISA extensions and local interrupt
 * controller, the PLIC (noted only: the kernel takes no device interrupt),
 * the NS16550 console and QEMU's sifive,test0 exit device.
 */
#include <libfdt.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/dt/dt.h"
#include "arch/riscv64/dt.h"

static uint32_t hart_id(uint64_t reg) { return (uint32_t)reg; }

/* Whether the ISA string ("rv64imafdc_zicsr_sstc") names extension ext
 * (multi-letter, after an underscore). */
static bool isa_has(const char *isa, const char *ext)
{
	size_t n = strlen(ext);

	for (const char *p = isa; (p = strchr(p, '_')); p++)
		if (!strncmp(p + 1, ext, n) && (p[1 + n] == '_' || !p[1 + n]))
			return true;
	return false;
}

/* The same in "riscv,isa-extensions", a string list (newer trees). */
static bool isa_list_has(const void *fdt, int node, const char *ext)
{
	int len;
	const char *p = fdt_getprop(fdt, node, "riscv,isa-extensions", &len);

	for (const char *end = p ? p + len : NULL; p && p < end; p += strnlen(p, end - p) + 1)
		if (!strcmp(p, ext))
			return true;
	return false;
}

static void parse_harts(const void *fdt, uint64_t boot_hart, struct dt_info *out)
{
	int cpus = fdt_path_offset(fdt, "/cpus"), node, len;
	const fdt32_t *tb;

	if (cpus < 0)
		return;
	tb = fdt_getprop(fdt, cpus, "timebase-frequency", &len);
	if (tb && (len == 4 || len == 8))
		out->timebase_hz = dt_read_cells(tb, len / 4);
	fdt_for_each_subnode(node, fdt, cpus) {
		int intc;
		uint64_t id, size;
		const char *isa;

		if (!dt_prop_is(fdt, node, "device_type", "cpu") ||
		    dt_reg(fdt, node, 0, &id, &size) || id != boot_hart)
			continue;
		if (!out->timebase_hz &&
		    (tb = fdt_getprop(fdt, node, "timebase-frequency", &len)) &&
		    (len == 4 || len == 8))
			out->timebase_hz = dt_read_cells(tb, len / 4);
		isa = fdt_getprop(fdt, node, "riscv,isa", &len);
		if (isa && len > 0) {
			size_t n = strnlen(isa, len);

			n = n < sizeof(out->isa) - 1 ? n : sizeof(out->isa) - 1;
			memcpy(out->isa, isa, n);
			out->isa[n] = 0;
		}
		intc = fdt_subnode_offset(fdt, node, "interrupt-controller");
		out->hart_intc = intc >= 0 &&
				 !fdt_node_check_compatible(fdt, intc, "riscv,cpu-intc");
		out->sstc = isa_has(out->isa, "sstc") || isa_list_has(fdt, node, "sstc");
		out->zkr = isa_has(out->isa, "zkr") || isa_list_has(fdt, node, "zkr");
	}
}

int dt_parse(const void *fdt, uint64_t boot_hart, struct boot_info *bi,
	     struct dt_info *out)
{
	uint64_t size;
	int node, len, rc = dt_parse_common(fdt, bi);
	const fdt32_t *shift;

	if (rc)
		return rc;
	node = dt_console_node(fdt, "ns16550a");
	if (node < 0)
		node = dt_console_node(fdt, "ns16550");
	if (node >= 0 && !dt_reg(fdt, node, 0, &out->uart_base, &size)) {
		shift = fdt_getprop(fdt, node, "reg-shift", &len);
		out->uart_shift = shift && len == 4 ? fdt32_to_cpu(*shift) : 0;
	}
	node = fdt_node_offset_by_compatible(fdt, -1, "sifive,test0");
	if (node >= 0)
		dt_reg(fdt, node, 0, &out->test_base, &size);
	node = fdt_node_offset_by_compatible(fdt, -1, "riscv,plic0");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "sifive,plic-1.0.0");
	if (node >= 0)
		dt_reg(fdt, node, 0, &out->plic_base, &size);
	dt_parse_cpus(fdt, bi, hart_id);
	parse_harts(fdt, boot_hart, out);
	return 0;
}
