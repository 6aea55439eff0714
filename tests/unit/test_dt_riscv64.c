/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the riscv64 device-tree reader (arch/riscv64/fdt.c, on the
 * host's libfdt) against trees QEMU's virt board dumped (with and without
 * Sstc) and one built by dtc from tests/unit/dt/riscv-min.dts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/boot.h"
#include "arch/riscv64/dt.h"
#include "tests/unit/dt_util.h"

struct dt_info dt;
static struct boot_info bi;
static struct dt_info out;
static char *blob;

static int parse(const char *name, uint64_t boot_hart)
{
	free(blob);
	blob = dt_load(name);
	memset(&bi, 0, sizeof(bi));
	memset(&out, 0, sizeof(out));
	return dt_parse(blob, boot_hart, &bi, &out);
}

Test(dt_riscv64, qemu_virt)
{
	cr_assert_eq(parse("riscv-virt.dtb", 0), 0);
	cr_assert_eq(bi.nr_cpus, 4);
	for (unsigned i = 0; i < 4; i++)
		cr_assert_eq(bi.cpu_hw_ids[i], i);
	cr_assert_str_eq(bi.cpus_source, "DT");
	cr_assert_eq(out.timebase_hz, 10000000);
	cr_assert(out.sstc, "QEMU 7.2's rv64 lists sstc: %s", out.isa);
	cr_assert(!out.zkr);
	cr_assert_eq(out.uart_base, 0x10000000);
	cr_assert_eq(out.uart_shift, 0);
	cr_assert_eq(out.test_base, 0x100000);
	cr_assert_eq(out.plic_base, 0xc000000);
	cr_assert(out.hart_intc);
	cr_assert_str_eq(bi.cmdline, "test=all quiet");
	/* 512 MiB at 2 GiB (OpenSBI reserves its own part at run time). */
	cr_assert_eq(dt_ram_total(&bi), 512ull << 20);
	cr_assert_eq(bi.mem[0].base, 0x80000000);
}

Test(dt_riscv64, qemu_virt_without_sstc)
{
	cr_assert_eq(parse("riscv-nosstc.dtb", 1), 0);
	cr_assert(!out.sstc, "isa %s", out.isa);
	cr_assert(!strncmp(out.isa, "rv64", 4));
}

Test(dt_riscv64, other_layouts)
{
	cr_assert_eq(parse("riscv-min.dtb", 2), 0);
	cr_assert_eq(bi.nr_cpus, 2, "the disabled hart is not listed");
	cr_assert_eq(bi.cpu_hw_ids[0], 2);
	cr_assert_eq(bi.cpu_hw_ids[1], 7);
	cr_assert_eq(out.timebase_hz, 24000000, "timebase on the hart's node");
	cr_assert(out.zkr, "from riscv,isa-extensions");
	cr_assert(!out.sstc, "hart 7's sstc is not the boot hart's");
	cr_assert_eq(out.uart_base, 0x20000000, "the stdout-path UART");
	cr_assert_eq(out.uart_shift, 2);
	cr_assert_eq(out.test_base, 0);
	cr_assert_eq(out.plic_base, 0);
	cr_assert(!out.hart_intc, "no interrupt-controller node");
	cr_assert_eq(dt_ram_total(&bi), 0x10000000 - 0x80000, "less /reserved-memory");
	cr_assert_str_eq(bi.cmdline, "test=boot");
}

Test(dt_riscv64, boot_hart_of_another_isa)
{
	cr_assert_eq(parse("riscv-min.dtb", 7), 0);
	cr_assert(out.sstc);
	cr_assert(!out.zkr);
	cr_assert_eq(out.timebase_hz, 0, "no timebase on /cpus or hart 7");
}

Test(dt_riscv64, not_a_tree)
{
	static char junk[64] = "not a device tree";

	memset(&bi, 0, sizeof(bi));
	memset(&out, 0, sizeof(out));
	cr_assert_eq(dt_parse(junk, 0, &bi, &out), -EINVAL);
	cr_assert_eq(bi.nr_cpus, 0);
}
