/* SPDX-License-Identifier: MIT */
/*
 * What the boot protocol told us, copied into kernel memory by arch code
 * before anything may overwrite the original (PVH start info, later DT).
 */
#ifndef GUEST_BOOT_H
#define GUEST_BOOT_H

#include "types.h"

#define BOOT_MEMMAP_MAX 64
#define BOOT_CMDLINE_MAX 1024

enum boot_mem_type { BOOT_MEM_RAM = 1, BOOT_MEM_RESERVED = 2, BOOT_MEM_ACPI = 3 };

struct boot_mem_range {
	uint64_t base;
	uint64_t size;
	uint32_t type;             /* enum boot_mem_type (others: reserved) */
};

struct boot_info {
	const char *protocol;      /* "pvh" */
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	uint64_t rsdp_pa;          /* 0 if none */
	unsigned nr_mem;
	struct boot_mem_range mem[BOOT_MEMMAP_MAX];
	uint64_t kernel_start, kernel_end;   /* physical, page aligned */
	uint64_t boot_cycles;      /* cycle counter at the first instruction */
	uint64_t main_cycles;      /* cycle counter when kernel_main started */
};

#endif
