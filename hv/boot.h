/* SPDX-License-Identifier: MIT */
/*
 * The PVH boot information hv puts in low guest memory: hvm_start_info, the
 * E820-like memory map and the command line at 0x6000, ACPI at 0xe0000.
 */
#ifndef HV_BOOT_H
#define HV_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define HV_BOOT_INFO_GPA 0x6000ull /* start_info, memmap, cmdline */
#define HV_BOOT_INFO_END 0x7000ull /* the guest's SMP trampoline follows */
#define HV_LOW_RAM_END 0x9fc00ull /* end of conventional memory */
#define HV_ACPI_GPA 0xe0000ull /* ACPI tables up to 1 MiB */
#define HV_HIGH_RAM_GPA 0x100000ull
#define HV_MEM_MIN (2ull << 20)
#define HV_MEM_MAX (3ull << 30) /* below the 0xc0000000 MMIO hole */
#define HV_CMDLINE_MAX 2048 /* bytes, without the NUL */

/*
 * Write the boot information for a guest of ncpus vCPUs into guest memory
 * mem[0, mem_size). Returns the guest physical address of hvm_start_info
 * (for %ebx at entry), or 0 with a message in err (cmdline too long, memory
 * too small, bad vCPU count).
 */
uint64_t hv_boot_setup(void *mem, uint64_t mem_size, const char *cmdline,
		       unsigned int ncpus, char *err, size_t errlen);

/* HV_CMDLINE_MAX: the longest command line hv passes (without its NUL). */
size_t hv_boot_cmdline_max(void);

#endif
