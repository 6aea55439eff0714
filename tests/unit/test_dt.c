/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the arm64 device-tree reader (arch/arm64/fdt.c, on the
 * host's libfdt) against a tree QEMU's virt board dumped and trees built
 * by dtc from the .dts files in tests/unit/dt (paths under DT_DIR, unit.mk).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/arm64/dt.h"
#include "tests/unit/dt_util.h"

static struct boot_info bi;
static struct dt_info out;
static char *blob;

static int parse(const char *name)
{
	memset(&bi, 0, sizeof(bi));
	memset(&out, 0, sizeof(out));
	free(blob);
	blob = dt_load(name);
	return dt_parse(blob, &bi, &out);
}

/* Whether [b, b + s) is RAM in bi. */
static bool is_ram(uint64_t b, uint64_t s)
{
	for (unsigned i = 0; i < bi.nr_mem; i++)
		if (bi.mem[i].type == BOOT_MEM_RAM && b >= bi.mem[i].base &&
		    b + s <= bi.mem[i].base + bi.mem[i].size)
			return true;
	return false;
}

Test(dt, qemu_virt_board)
{
	cr_assert_eq(parse("qemu-virt.dtb"), 0);
	cr_assert_str_eq(bi.cmdline, "test=all quiet");
	cr_assert_str_eq(bi.cpus_source, "DT");
	cr_assert_eq(bi.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(bi.cpu_hw_ids[i], i);
	cr_assert_eq(dt_ram_total(&bi), 512ull << 20);
	cr_assert(is_ram(0x40000000, 512ull << 20));
	cr_assert_eq(out.uart_base, 0x09000000);
	cr_assert_eq(out.gic_version, 3);
	cr_assert_eq(out.gicd_base, 0x08000000);
	cr_assert_eq(out.gicr_base, 0x080a0000);
	cr_assert_gt(out.gicr_size, 4 * 0x20000);
	cr_assert_eq(out.timer_virt_intid, 27);
	cr_assert(out.psci && out.psci_hvc);
	cr_assert(!out.xen);
	cr_assert_eq(bi.dtb_pa, (uintptr_t)blob);
}

Test(dt, xen_dom0_shape)
{
	cr_assert_eq(parse("xen-dom0.dtb"), 0);
	cr_assert_str_eq(bi.cmdline, "test=all slice_us=500");
	cr_assert(!bi.cmdline_truncated);
	cr_assert_eq(bi.nr_cpus, 3);
	cr_assert_eq(bi.cpu_hw_ids[0], 0);
	cr_assert_eq(bi.cpu_hw_ids[1], 0x100);     /* Aff1 = 1 */
	cr_assert_eq(bi.cpu_hw_ids[2], 0x1000000); /* Aff3 = 1 */
	/* 512 MiB + 256 MiB banks less the 1 MiB memreserve and carve-out. */
	cr_assert_eq(dt_ram_total(&bi), (768ull - 2) << 20);
	cr_assert(is_ram(0x40000000, 0x08000000));
	cr_assert(!is_ram(0x48000000, 0x1000));
	cr_assert(is_ram(0x48100000, 0x17e00000));
	cr_assert(!is_ram(0x5ff00000, 0x1000));
	cr_assert(is_ram(0x100000000ull, 0x10000000));
	cr_assert_eq(out.uart_base, 0x09001000, "stdout-path, options cut off");
	cr_assert_eq(out.gicd_base, 0x03001000);
	cr_assert_eq(out.gicr_base, 0x03020000);
	cr_assert_eq(out.timer_virt_intid, 27);
	cr_assert(out.psci && !out.psci_hvc, "psci through smc");
	cr_assert(out.xen);
	cr_assert_eq(out.xen_evtchn_intid, 31);
	cr_assert_eq(out.xen_grant_base, 0x38000000);
	cr_assert_eq(out.xen_grant_size, 0x01000000);
}

Test(dt, bare_tree)
{
	cr_assert_eq(parse("bare.dtb"), 0);
	cr_assert_str_eq(bi.cmdline, "");
	cr_assert_eq(bi.nr_cpus, 0);
	cr_assert(is_ram(0x80000000, 0x8000000), "1-cell address and size");
	cr_assert_eq(out.uart_base, 0);
	cr_assert_eq(out.gic_version, 0);
	cr_assert_eq(out.timer_virt_intid, 0);
	cr_assert(!out.psci && !out.xen);
}

Test(dt, long_bootargs_truncated)
{
	char *big = dt_load("qemu-long.dtb");

	memset(&bi, 0, sizeof(bi));
	cr_assert_eq(dt_parse(big, &bi, &out), 0);
	cr_assert(bi.cmdline_truncated);
	cr_assert_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
	free(big);
}

Test(dt, not_a_tree)
{
	static uint32_t junk[64] = {0xdeadbeef};

	memset(&bi, 0, sizeof(bi));
	cr_assert_eq(dt_parse(junk, &bi, &out), -EINVAL);
	cr_assert_eq(bi.nr_mem, 0);
}
