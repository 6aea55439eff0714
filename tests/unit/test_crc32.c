/* SPDX-License-Identifier: MIT */
/* Host tests of crc32() (guest/lib/crc32.c): the standard check values,
 * which tools/trace's zlib.crc32 also gives. */
#include <criterion/criterion.h>
#include <string.h>

#include "guest/lib/crc32.h"

Test(crc32, check_values)
{
	static const char fox[] = "The quick brown fox jumps over the lazy dog";

	cr_assert_eq(crc32("", 0), 0);
	cr_assert_eq(crc32("123456789", 9), 0xcbf43926u);
	cr_assert_eq(crc32(fox, strlen(fox)), 0x414fa339u);
	cr_assert_eq(crc32("a", 1), 0xe8b7be43u);
}

Test(crc32, one_bit_changes_it)
{
	char buf[64];

	memset(buf, 0x5a, sizeof(buf));
	uint32_t ref = crc32(buf, sizeof(buf));

	for (unsigned i = 0; i < sizeof(buf) * 8; i++) {
		buf[i / 8] ^= (char)(1 << (i % 8));
		cr_assert_neq(crc32(buf, sizeof(buf)), ref, "bit %u", i);
		buf[i / 8] ^= (char)(1 << (i % 8));
	}
}
