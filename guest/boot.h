/* SPDX-License-Identifier: MIT */
/*
 * What the boot protocol told us, copied into kernel memory by arch code
 * before anything may overwrite the original (PVH start info on x86-64, the
 * device tree on arm64).
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
	const char *protocol;      /* "pvh", "linux-arm64" */
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	uint64_t rsdp_pa;          /* 0 if none */
	uint64_t dtb_pa;           /* device tree, 0 if none */
	/* vCPUs the firmware tables list, in table order: filled by arch
	 * code from the device tree, or by cpus_setup() from the ACPI MADT. */
	const char *cpus_source;   /* "MADT", "DT", or NULL: none */
	uint64_t madt_pa;          /* the MADT the list came from, or 0 */
	unsigned nr_cpus;
	uint32_t cpu_hw_ids[MAX_CPUS]; /* APIC ids / MPIDR affinities */
	unsigned nr_mem;
	struct boot_mem_range mem[BOOT_MEMMAP_MAX];
	uint64_t kernel_start, kernel_end;   /* physical, page aligned */
	uint64_t boot_cycles;      /* cycle counter at the first instruction */
	uint64_t main_cycles;      /* cycle counter when kernel_main started */
};

#endif
