/* SPDX-License-Identifier: MIT */
/* Host tests of the latency histogram against exact sorted percentiles. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "guest/bench/hist.h"
#include "guest/lib/sort.h"

static struct hist h;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

Test(hist, buckets_are_monotonic_and_cover)
{
	for (unsigned i = 1; i < HIST_BUCKETS; i++)
		cr_assert_gt(hist_bucket_low(i), hist_bucket_low(i - 1), "bucket %u", i);
	for (uint64_t v = 0; v < 100000; v += 7) {
		unsigned b = hist_bucket(v);

		cr_assert_leq(hist_bucket_low(b), v);
		cr_assert_gt(hist_bucket_low(b + 1), v);
	}
	cr_assert_lt(hist_bucket(UINT64_MAX), HIST_BUCKETS);
}

Test(hist, empty_and_single)
{
	hist_init(&h);
	cr_assert_eq(hist_quantile_ppm(&h, 500000), 0);
	hist_add(&h, 1234);
	cr_assert_eq(hist_quantile_ppm(&h, 0), 1234);
	cr_assert_eq(hist_quantile_ppm(&h, 999000), 1234);
	cr_assert_eq(h.min, 1234);
	cr_assert_eq(h.max, 1234);
}

Test(hist, percentiles_within_bucket_precision)
{
	enum { N = 100000 };
	static uint64_t v[N];
	static const uint32_t ppm[] = {0, 500000, 900000, 990000, 999000, 1000000};

	srand(7);
	hist_init(&h);
	for (int i = 0; i < N; i++) {
		/* Heavy-tailed: mostly ~1000, some up to millions. */
		v[i] = 500 + rand() % 1000 + (rand() % 100 == 0 ? rand() % 5000000 : 0);
		hist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (unsigned k = 0; k < sizeof(ppm) / sizeof(ppm[0]); k++) {
		uint64_t rank = ((uint64_t)N * ppm[k] + 999999) / 1000000;
		uint64_t exact = v[rank ? rank - 1 : 0];
		uint64_t got = hist_quantile_ppm(&h, ppm[k]);
		double err = (double)(got > exact ? got - exact : exact - got) / exact;

		cr_assert_leq(err, 1.0 / HIST_SUB, "ppm %u: exact %lu got %lu",
			      ppm[k], exact, got);
	}
	cr_assert_eq(h.n, N);
	cr_assert_eq(h.min, v[0]);
	cr_assert_eq(h.max, v[N - 1]);
}

Test(hist, merge_equals_adding_all)
{
	static struct hist a, b, all;

	hist_init(&a);
	hist_init(&b);
	hist_init(&all);
	for (uint64_t v = 1; v < 50000; v += 13) {
		hist_add(v % 2 ? &a : &b, v * 7);
		hist_add(&all, v * 7);
	}
	hist_merge(&a, &b);
	cr_assert_eq(a.n, all.n);
	cr_assert_eq(a.sum, all.sum);
	cr_assert_eq(a.min, all.min);
	cr_assert_eq(a.max, all.max);
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		cr_assert_eq(a.count[i], all.count[i], "bucket %u", i);
}

/* The benchmarks' exact quantiles: sort_u64 against qsort, and the rank
 * rule the histogram uses (p50 of 1..100 is 50, p99 is 99, p100 is 100). */
Test(hist, exact_quantiles_from_sorted_samples)
{
	enum { N = 5001 };
	static uint64_t a[N], b[N];
	uint64_t seq[100];

	srand(7);
	for (int i = 0; i < N; i++)
		a[i] = b[i] = (uint64_t)rand() * (rand() % 3 ? 1 : 1000003);
	a[17] = b[17] = UINT64_MAX; /* extremes sort too */
	a[18] = b[18] = 0;
	sort_u64(a, N);
	qsort(b, N, sizeof(b[0]), cmp_u64);
	for (int i = 0; i < N; i++)
		cr_assert_eq(a[i], b[i], "index %d", i);
	sort_u64(a, 0); /* no-op, no fault */
	for (int i = 0; i < 100; i++)
		seq[i] = (uint64_t)i + 1;
	cr_assert_eq(quantile_sorted_ppm(seq, 100, 500000), 50);
	cr_assert_eq(quantile_sorted_ppm(seq, 100, 990000), 99);
	cr_assert_eq(quantile_sorted_ppm(seq, 100, 1000000), 100);
	cr_assert_eq(quantile_sorted_ppm(seq, 100, 1), 1);
	cr_assert_eq(quantile_sorted_ppm(seq, 0, 500000), 0);
}
