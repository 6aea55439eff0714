// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: hv's ELF/PVH loader (hv/elf.c) on arbitrary bytes. Any
 * image it accepts must satisfy what hv relies on afterwards.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "hv/elf.h"

#define MEM_SIZE (4ull << 20)

static void check(int ok)
{
	if (!ok)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *mem;
	struct hv_elf_image out;
	char err[256];
	int r;

	if (!mem) {
		mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		check(mem != MAP_FAILED);
	}
	r = hv_elf_load(data, size, mem, MEM_SIZE, &out, err, sizeof(err));
	check(memchr(err, '\0', sizeof(err)) != NULL);
	if (r) {
		check(r == -1 && err[0] != '\0');
		return 0;
	}
	check(out.nr_load > 0);
	check(out.load_lo >= HV_ELF_MIN_PADDR && out.load_lo < out.load_hi);
	check(out.load_hi <= MEM_SIZE);
	check(out.entry >= out.load_lo && out.entry < out.load_hi);
	check(out.entry < (1ull << 32));
	return 0;
}
