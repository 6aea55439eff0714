/* SPDX-License-Identifier: MIT */
/*
 * hv's ELF loader: validates a PVH kernel image held in host memory, copies
 * its PT_LOAD segments into guest memory and finds the PVH entry note.
 */
#ifndef HV_ELF_H
#define HV_ELF_H

#include <stddef.h>
#include <stdint.h>

/* hv keeps the first MiB (boot info, ACPI tables) for itself. */
#define HV_ELF_MIN_PADDR 0x100000ull

struct hv_elf_image {
	uint64_t entry; /* PVH 32-bit entry point (physical) */
	uint64_t load_lo; /* lowest loaded physical address */
	uint64_t load_hi; /* end of the highest loaded segment */
	unsigned int nr_load; /* PT_LOAD segments loaded */
};

/*
 * Load the ELF64 x86-64 image img[0, len) into guest_mem[0, mem_size)
 * (guest physical address 0 = guest_mem). Returns 0, or -1 with a message
 * in err. Every offset and size is checked against len before it is used;
 * guest memory is not touched unless the whole image is valid.
 */
int hv_elf_load(const void *img, size_t len, void *guest_mem, size_t mem_size,
		struct hv_elf_image *out, char *err, size_t errlen);

#endif
