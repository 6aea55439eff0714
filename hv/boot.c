/* SPDX-License-Identifier: MIT */
/*
 * PVH boot information for hv: hvm_start_info (version 1) with its memory
 * map and command line in [0x6000, 0x7000), and the ACPI tables at 0xe0000.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "hv/acpi.h"
#include "hv/boot.h"

#define MEMMAP_GPA (HV_BOOT_INFO_GPA + sizeof(struct hvm_start_info))
#define NR_MEMMAP 3
#define CMDLINE_GPA \
	(MEMMAP_GPA + NR_MEMMAP * sizeof(struct hvm_memmap_table_entry))

_Static_assert(sizeof(struct hvm_start_info) % 8 == 0, "memmap alignment");
_Static_assert(CMDLINE_GPA + HV_CMDLINE_MAX + 1 <= HV_BOOT_INFO_END,
	       "the command line fits below the SMP trampoline");

size_t hv_boot_cmdline_max(void)
{
	return HV_CMDLINE_MAX;
}

static void build_memmap(struct hvm_memmap_table_entry *e, uint64_t mem_size)
{
	e[0] = (struct hvm_memmap_table_entry){
		.addr = 0,
		.size = HV_LOW_RAM_END,
		.type = XEN_HVM_MEMMAP_TYPE_RAM
	};
	e[1] = (struct hvm_memmap_table_entry){
		.addr = HV_LOW_RAM_END,
		.size = HV_HIGH_RAM_GPA - HV_LOW_RAM_END,
		.type = XEN_HVM_MEMMAP_TYPE_RESERVED
	};
	e[2] = (struct hvm_memmap_table_entry){
		.addr = HV_HIGH_RAM_GPA,
		.size = mem_size - HV_HIGH_RAM_GPA,
		.type = XEN_HVM_MEMMAP_TYPE_RAM
	};
}

uint64_t hv_boot_setup(void *mem, uint64_t mem_size, const char *cmdline,
		       unsigned int ncpus, char *err, size_t errlen)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.memmap_paddr = MEMMAP_GPA,
		.memmap_entries = NR_MEMMAP,
	};
	struct hvm_memmap_table_entry map[NR_MEMMAP];
	uint8_t *m = mem;
	size_t clen;

	if (!cmdline)
		cmdline = ""; /* always pass a (possibly empty) string */
	clen = strlen(cmdline);
	if (mem_size < HV_MEM_MIN || mem_size > HV_MEM_MAX) {
		snprintf(err, errlen, "guest memory must be 2 MiB to 3 GiB");
		return 0;
	}
	if (clen > hv_boot_cmdline_max()) {
		snprintf(err, errlen,
			 "command line too long: %zu bytes, at most %zu", clen,
			 hv_boot_cmdline_max());
		return 0;
	}
	if (hv_acpi_build(m + HV_ACPI_GPA, HV_HIGH_RAM_GPA - HV_ACPI_GPA,
			  HV_ACPI_GPA, ncpus) < 0) {
		snprintf(err, errlen, "cannot build ACPI tables for %u vCPUs",
			 ncpus);
		return 0;
	}
	si.rsdp_paddr = HV_ACPI_GPA;
	si.cmdline_paddr = CMDLINE_GPA;
	build_memmap(map, mem_size);
	memset(m + HV_BOOT_INFO_GPA, 0, HV_BOOT_INFO_END - HV_BOOT_INFO_GPA);
	memcpy(m + HV_BOOT_INFO_GPA, &si, sizeof(si));
	memcpy(m + MEMMAP_GPA, map, sizeof(map));
	memcpy(m + CMDLINE_GPA, cmdline, clen + 1);
	return HV_BOOT_INFO_GPA;
}
