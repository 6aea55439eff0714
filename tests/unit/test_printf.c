/* SPDX-License-Identifier: MIT */
/*
 * Host tests of kvsnprintf()/ksnprintf() (guest/lib/printf.c), checked
 * against the host libc's vsnprintf for every format they share.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "guest/lib/printf.h"

/* Both formatters into a buffer of size bytes; compare stored bytes, the
 * untouched tail and the return values. Not __printf: formats on purpose
 * include combinations gcc warns about. */
static void cmp_size(size_t size, const char *fmt, va_list ap)
{
	char mine[300], ref[300];
	int n_mine, n_ref;
	va_list a1, a2;

	memset(mine, 'Z', sizeof(mine));
	memset(ref, 'Z', sizeof(ref));
	va_copy(a1, ap);
	va_copy(a2, ap);
	n_mine = kvsnprintf(mine, size, fmt, a1);
	n_ref = vsnprintf(ref, size, fmt, a2);
	va_end(a1);
	va_end(a2);
	cr_assert_eq(n_mine, n_ref, "\"%s\" size %zu: returned %d, libc %d",
		     fmt, size, n_mine, n_ref);
	cr_assert(!memcmp(mine, ref, sizeof(mine)),
		  "\"%s\" size %zu: \"%.*s\" vs libc \"%.*s\"", fmt, size,
		  (int)MIN(size, 80), mine, (int)MIN(size, 80), ref);
}

static void check(const char *fmt, ...)
{
	static const size_t sizes[] = { 256, 0, 1, 2, 5, 9 };
	va_list ap;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		va_start(ap, fmt);
		cmp_size(sizes[i], fmt, ap);
		va_end(ap);
	}
}

Test(printf, plain_and_percent)
{
	check("");
	check("hello, world");
	check("%%");
	check("100%% sure %d%%", 5);
	check("a%cb", 'x');
}

Test(printf, signed_decimal)
{
	check("%d", 0);
	check("%d", 42);
	check("%d", -42);
	check("%i", INT_MAX);
	check("%d", INT_MIN);
	check("[%5d]", -7);
	check("[%-5d]", -7);
	check("[%05d]", -7);
	check("[%-05d]", 7);
	check("[%+d] [%+d]", 3, -3);
	check("[% d] [% d]", 3, -3);
	check("[%+ d]", 3);
	check("[%+5d]", 3);
	check("[%+05d]", 3);
	check("[%.3d]", 7);
	check("[%.3d]", -7);
	check("[%8.3d]", -7);
	check("[%-8.3d]", 7);
	check("[%08.3d]", 7);
	check("[%.0d]", 0);
	check("[%5.0d]", 0);
	check("[%+.0d]", 0);
	check("[%.0d]", 1);
	check("[%3d]", 12345);
}

Test(printf, unsigned_hex_octal)
{
	check("%u", 0u);
	check("%u", UINT_MAX);
	check("%x %X", 0xdeadbeefu, 0xdeadbeefu);
	check("%#x %#X %#x", 0xabcu, 0xabcu, 0u);
	check("[%#08x] [%#-8x] [%#8x]", 0x1fu, 0x1fu, 0x1fu);
	check("[%08x] [%.6x] [%10.6X]", 0x1fu, 0x1fu, 0x1fu);
	check("%o %#o %#o", 8u, 8u, 0u);
	check("[%#.0o] [%#.0x] [%.0x]", 0u, 0u, 0u);
	check("[%#.3o] [%#5o]", 8u, 8u);
	check("%x", 0u);
}

Test(printf, length_modifiers)
{
	check("%ld %ld", LONG_MIN, LONG_MAX);
	check("%lu %lx", ULONG_MAX, ULONG_MAX);
	check("%lld %llu", LLONG_MIN, ULLONG_MAX);
	check("%llx %llX %#llo", 0x0123456789abcdefull, 0xfedcba9876543210ull,
	      ULLONG_MAX);
	check("%zu %zx", (size_t)SIZE_MAX, (size_t)12345);
	check("%zd %zd", (ssize_t)-1, (ssize_t)77);
	check("%jd %ju", (intmax_t)INTMAX_MIN, (uintmax_t)UINTMAX_MAX);
	check("%td %tu", (ptrdiff_t)-5, (ptrdiff_t)5);
	check("%hd %hu %hx", 70000, 70000, 0x12345);
	check("%hhd %hhu %hhx", 300, -1, 0x1ff);
	check("%hd %hhd", -32768, -128);
	check("[%-12ld] [%020lld]", -123456789L, -123456789012LL);
}

Test(printf, star_width_precision)
{
	check("[%*d]", 6, 42);
	check("[%-*d]", 6, 42);
	check("[%*d]", -6, 42);
	check("[%.*d]", 4, 42);
	check("[%.*d]", -1, 42);
	check("[%*.*d]", 8, 4, -42);
	check("[%*.*s]", 8, 3, "abcdef");
	check("[%.*s]", -2, "abc");
}

Test(printf, strings_and_chars)
{
	check("%s", "hello");
	check("[%10s]", "hi");
	check("[%-10s]", "hi");
	check("[%.3s]", "hello");
	check("[%10.3s]", "hello");
	check("[%.0s]", "hello");
	check("[%s]", "");
	check("[%5c] [%-5c] [%c]", 'a', 'b', 'c');
	check("[%c]", 0);
	check("[%3c]", 0);
	check("%s=%d, %s=%#x, %c%c", "a", -1, "b", 255u, 'o', 'k');
	check("%s", "a string that is much longer than the short output "
		    "buffers used here, to exercise truncation");
}

/* kvsnprintf without format checking (some formats here are odd on
 * purpose). */
static int kfmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

Test(printf, pointer)
{
	char buf[64];

	cr_assert_eq(ksnprintf(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	cr_assert_str_eq(buf, "0x0000000000001234");
	ksnprintf(buf, sizeof(buf), "%p", NULL);
	cr_assert_str_eq(buf, "0x0000000000000000");
	ksnprintf(buf, sizeof(buf), "%p", (void *)UINTPTR_MAX);
	cr_assert_str_eq(buf, "0xffffffffffffffff");
	kfmt(buf, sizeof(buf), "[%20p]", (void *)0xabc);
	cr_assert_str_eq(buf, "[  0x0000000000000abc]");
	kfmt(buf, sizeof(buf), "[%-20p]", (void *)0xabc);
	cr_assert_str_eq(buf, "[0x0000000000000abc  ]");
	kfmt(buf, sizeof(buf), "[%#020p]", (void *)0xabc);
	cr_assert_str_eq(buf, "[  0x0000000000000abc]");
	cr_assert_eq(ksnprintf(buf, 5, "%p", (void *)0x1), 18);
	cr_assert_str_eq(buf, "0x00");
}

Test(printf, kernel_specific)
{
	char buf[64];

	kfmt(buf, sizeof(buf), "%s", (char *)NULL);
	cr_assert_str_eq(buf, "(null)");
	/* Unknown conversions and a dangling '%' are copied as written. */
	kfmt(buf, sizeof(buf), "a%qb%-5yc%");
	cr_assert_str_eq(buf, "a%qb%-5yc%");
	kfmt(buf, sizeof(buf), "x%5");
	cr_assert_str_eq(buf, "x%5");
	kfmt(buf, sizeof(buf), "%Lf", 1);
	cr_assert_str_eq(buf, "%Lf");
	/* Widths are clamped. */
	cr_assert_eq(kfmt(buf, sizeof(buf), "%99999d", 1), PRINTF_MAX_WIDTH);
	cr_assert_eq(kfmt(buf, sizeof(buf), "%*d", INT_MIN, 1),
		     PRINTF_MAX_WIDTH);
	cr_assert_eq(kfmt(buf, sizeof(buf), "%.99999d", 1), PRINTF_MAX_WIDTH);
}

Test(printf, size_zero_and_termination)
{
	char buf[8];

	cr_assert_eq(ksnprintf(NULL, 0, "%d-%s", 12345, "abc"), 9);
	memset(buf, 'Z', sizeof(buf));
	cr_assert_eq(ksnprintf(buf, 1, "%d", 12345), 5);
	cr_assert_eq(buf[0], 0);
	cr_assert_eq(buf[1], 'Z');
	memset(buf, 'Z', sizeof(buf));
	cr_assert_eq(ksnprintf(buf, 4, "abcdef"), 6);
	cr_assert_str_eq(buf, "abc");
	cr_assert_eq(buf[4], 'Z');
}

/* Random mixes of flags, width, precision and values against libc. */
Test(printf, random_integer_specs)
{
	static const char *const flags[] = { "",  "-",	"0",  "+",  " ",
					     "#", "-+", "0 ", "#0", "-#" };
	static const char conv[] = "diuxXo";
	unsigned seed = 12345;
	int i;

	for (i = 0; i < 3000; i++) {
		char fmt[32];
		int w = rand_r(&seed) % 24, p = rand_r(&seed) % 26 - 2;
		unsigned long long r = (unsigned long long)rand_r(&seed) << 33;
		long long v = (long long)(r ^ (unsigned)rand_r(&seed));
		char c = conv[rand_r(&seed) % 6];
		const char *f = flags[rand_r(&seed) % ARRAY_SIZE(flags)];

		if (rand_r(&seed) % 4 == 0)
			v = rand_r(&seed) % 3 - 1;
		if ((c == 'd' || c == 'i') && f[0] == '#')
			f = "";
		if (p < 0)
			snprintf(fmt, sizeof(fmt), "[%%%s%dll%c]", f, w, c);
		else
			snprintf(fmt, sizeof(fmt), "[%%%s%d.%dll%c]", f, w, p,
				 c);
		check(fmt, v);
	}
}
