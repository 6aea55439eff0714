/* SPDX-License-Identifier: MIT */
/* What the device-tree unit tests share: a tree file from DT_DIR, and the
 * RAM a struct boot_info lists. */
#ifndef TESTS_UNIT_DT_UTIL_H
#define TESTS_UNIT_DT_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest/boot.h"

/* The file DT_DIR/name, read whole into a new buffer. */
static inline char *dt_load(const char *name)
{
	char path[512];
	FILE *f;
	long n;
	char *p;

	snprintf(path, sizeof(path), "%s/%s", DT_DIR, name);
	f = fopen(path, "rb");
	cr_assert_not_null(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	p = malloc(n);
	cr_assert_eq(fread(p, 1, n, f), (size_t)n);
	fclose(f);
	return p;
}

static inline uint64_t dt_ram_total(const struct boot_info *bi)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type == BOOT_MEM_RAM)
			t += bi->mem[i].size;
	return t;
}

#endif
