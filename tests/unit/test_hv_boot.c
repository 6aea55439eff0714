/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's PVH boot information (hv/boot.c): hvm_start_info, the
 * memory map, the command line and the RSDP pointer in low guest memory.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "hv/boot.h"

#define MEM (64ull << 20)

static uint8_t *mem;

static void setup(void)
{
	mem = mmap(NULL, MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	cr_assert(mem != MAP_FAILED);
	memset(mem, 0xcc, 0x100000);
}

static void teardown(void)
{
	munmap(mem, MEM);
}

TestSuite(hv_boot, .init = setup, .fini = teardown);

Test(hv_boot, start_info_memmap_cmdline)
{
	struct hvm_start_info si;
	struct hvm_memmap_table_entry e[3];
	char err[128];
	uint64_t pa = hv_boot_setup(mem, MEM, "test=all", 4, err, sizeof(err));

	cr_assert_eq(pa, 0x6000, "%s", err);
	memcpy(&si, mem + pa, sizeof(si));
	cr_assert_eq(si.magic, XEN_HVM_START_MAGIC_VALUE);
	cr_assert_eq(si.version, 1);
	cr_assert_eq(si.nr_modules, 0);
	cr_assert_eq(si.rsdp_paddr, 0xe0000);
	cr_assert(memcmp(mem + si.rsdp_paddr, "RSD PTR ", 8) == 0);
	cr_assert(si.cmdline_paddr >= 0x6000 && si.cmdline_paddr < 0x7000);
	cr_assert_str_eq((char *)mem + si.cmdline_paddr, "test=all");
	cr_assert_eq(si.memmap_entries, 3);
	cr_assert(si.memmap_paddr >= 0x6000 &&
		  si.memmap_paddr + sizeof(e) <= 0x7000);
	memcpy(e, mem + si.memmap_paddr, sizeof(e));
	cr_assert(e[0].addr == 0 && e[0].size == 0x9fc00 &&
		  e[0].type == XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert(e[1].addr == 0x9fc00 && e[1].size == 0x100000 - 0x9fc00 &&
		  e[1].type == XEN_HVM_MEMMAP_TYPE_RESERVED);
	cr_assert(e[2].addr == 0x100000 && e[2].size == MEM - 0x100000 &&
		  e[2].type == XEN_HVM_MEMMAP_TYPE_RAM);
	cr_assert_eq(e[0].reserved | e[1].reserved | e[2].reserved, 0);
}

Test(hv_boot, writes_only_its_two_areas)
{
	char err[128];
	size_t i;

	cr_assert_neq(hv_boot_setup(mem, MEM, "x", 2, err, sizeof(err)), 0);
	for (i = 0; i < 0x100000; i++) {
		if ((i >= 0x6000 && i < 0x7000) || i >= 0xe0000)
			continue;
		cr_assert_eq(mem[i], 0xcc, "byte 0x%zx changed", i);
	}
}

Test(hv_boot, empty_and_longest_cmdline)
{
	struct hvm_start_info si;
	size_t max = hv_boot_cmdline_max();
	char *s = malloc(max + 2);
	char err[128];

	cr_assert_neq(hv_boot_setup(mem, MEM, NULL, 1, err, sizeof(err)), 0);
	memcpy(&si, mem + 0x6000, sizeof(si));
	cr_assert_str_eq((char *)mem + si.cmdline_paddr, "");
	cr_assert_geq(max, 1024);
	memset(s, 'a', max);
	s[max] = '\0';
	cr_assert_neq(hv_boot_setup(mem, MEM, s, 1, err, sizeof(err)), 0);
	memcpy(&si, mem + 0x6000, sizeof(si));
	cr_assert_lt(si.cmdline_paddr + max, 0x7000);
	cr_assert_str_eq((char *)mem + si.cmdline_paddr, s);
	s[max] = 'a';
	s[max + 1] = '\0';
	cr_assert_eq(hv_boot_setup(mem, MEM, s, 1, err, sizeof(err)), 0);
	cr_assert(strstr(err, "command line too long"), "%s", err);
	free(s);
}

Test(hv_boot, bad_memory_or_cpus_refused)
{
	char err[128];

	cr_assert_eq(hv_boot_setup(mem, 1ull << 20, "", 1, err, sizeof(err)),
		     0);
	cr_assert_eq(hv_boot_setup(mem, MEM, "", 0, err, sizeof(err)), 0);
	cr_assert(strstr(err, "ACPI"), "%s", err);
}
