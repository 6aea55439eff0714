/* SPDX-License-Identifier: MIT */
/* Host tests of the BENCH and BENCHHIST line formats shared by the guest
 * and tools/linuxref (guest/bench/benchfmt.c), with the guest's own
 * formatter (guest/lib/printf.c) as the hook. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "guest/bench/benchfmt.h"
#include "guest/lib/printf.h"

static char lines[64][BENCHFMT_LINE_MAX + 2];
static unsigned nlines;

int benchfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

void benchfmt_line(const char *line)
{
	cr_assert_lt(nlines, 64);
	cr_assert_leq(strlen(line), BENCHFMT_LINE_MAX, "line of %zu bytes",
		      strlen(line));
	snprintf(lines[nlines++], sizeof(lines[0]), "%s", line);
}

static uint64_t low(unsigned i, const void *arg)
{
	return 1000000000000ull + i; /* 13 digits: long buckets */
}

static uint64_t count(unsigned i, const void *arg)
{
	return *(const unsigned *)arg > i ? 1000000 + i : 0;
}

Test(benchfmt, bench_line)
{
	struct bench_figures fig = {5, 1, 2, 3, 4, 5, 6, 7};
	char buf[BENCHFMT_LINE_MAX + 1];
	struct benchfmt f;

	nlines = 0;
	benchfmt_begin(&f, buf, "yield", "vsched", 2, &fig);
	benchfmt_add(&f, "\"idle\":\"%s\"", "halt");
	benchfmt_end(&f);
	cr_assert_eq(nlines, 1);
	cr_assert_str_eq(lines[0], "BENCH {\"name\":\"yield\",\"guest\":\"vsched\","
			 "\"vcpus\":2,\"n\":5,\"unit\":\"ns\",\"min\":1,\"p50\":2,"
			 "\"p90\":3,\"p99\":4,\"p999\":5,\"max\":6,\"mean\":7,"
			 "\"idle\":\"halt\"}");
}

Test(benchfmt, long_line_is_cut_not_overrun)
{
	struct bench_figures fig = {0};
	char buf[BENCHFMT_LINE_MAX + 1], what[700];
	struct benchfmt f;

	memset(what, 'x', sizeof(what) - 1);
	what[sizeof(what) - 1] = 0;
	nlines = 0;
	benchfmt_begin(&f, buf, "b", "linux", 1, &fig);
	benchfmt_add(&f, "\"what\":\"%s\"", what);
	benchfmt_end(&f); /* benchfmt_line checks the length */
	cr_assert_eq(nlines, 1);
	cr_assert_eq(strlen(lines[0]), BENCHFMT_LINE_MAX);
}

Test(benchfmt, histogram_splits_and_keeps_every_bucket)
{
	unsigned nb = 100, seen = 0;

	nlines = 0;
	benchfmt_hist("wake_remote", "vsched", 200, low, count, &nb);
	cr_assert_gt(nlines, 1, "100 long buckets need several lines");
	for (unsigned l = 0; l < nlines; l++) {
		const char *p = lines[l];

		cr_assert(!strncmp(p, "BENCHHIST {\"name\":\"wake_remote\","
				   "\"guest\":\"vsched\",\"buckets\":[[", 55),
			  "%s", p);
		cr_assert_str_eq(p + strlen(p) - 3, "]]}");
		for (; (p = strstr(p, "[10000000000")); p++) {
			unsigned long long lo, c;

			cr_assert_eq(sscanf(p, "[%llu,%llu]", &lo, &c), 2);
			cr_assert_eq(lo, 1000000000000ull + seen);
			cr_assert_eq(c, 1000000ull + seen);
			seen++;
		}
	}
	cr_assert_eq(seen, nb);
}

Test(benchfmt, empty_histogram)
{
	unsigned nb = 0;

	nlines = 0;
	benchfmt_hist("x", "linux", 10, low, count, &nb);
	cr_assert_eq(nlines, 1);
	cr_assert_str_eq(lines[0], "BENCHHIST {\"name\":\"x\",\"guest\":\"linux\","
			 "\"buckets\":[]}");
}
