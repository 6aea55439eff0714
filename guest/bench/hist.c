/* SPDX-License-Identifier: MIT */
/* Log-linear latency histogram (see hist.h). */
#include "guest/bench/hist.h"

void hist_init(struct hist *h)
{
	uint32_t *c = h->count;

	h->n = h->sum = h->max = 0;
	h->min = UINT64_MAX;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		c[i] = 0;
}

/* Values below HIST_SUB get one bucket each; above, the top HIST_SUB_BITS
 * bits below the leading one pick the sub-bucket of its power of two. */
unsigned hist_bucket(uint64_t v)
{
	if (v < HIST_SUB)
		return (unsigned)v;
	unsigned msb = 63 - (unsigned)__builtin_clzll(v);
	unsigned shift = msb - HIST_SUB_BITS;

	return (shift + 1) * HIST_SUB + (unsigned)((v >> shift) & (HIST_SUB - 1));
}

uint64_t hist_bucket_low(unsigned i)
{
	if (i < HIST_SUB)
		return i;
	unsigned shift = i / HIST_SUB - 1;

	return ((uint64_t)HIST_SUB + (i % HIST_SUB)) << shift;
}

void hist_add(struct hist *h, uint64_t v)
{
	h->n++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->count[hist_bucket(v)]++;
}

/* 1-based rank of the smallest value with at least ppm/1e6 of n samples
 * at or below it. */
static uint64_t quantile_rank(uint64_t n, uint32_t ppm)
{
	uint64_t rank = (n * ppm + 999999) / 1000000;

	return rank ? rank : 1;
}

uint64_t quantile_sorted_ppm(const uint64_t *a, uint64_t n, uint32_t ppm)
{
	return n ? a[quantile_rank(n, ppm) - 1] : 0;
}

uint64_t hist_quantile_ppm(const struct hist *h, uint32_t ppm)
{
	uint64_t rank, seen = 0;

	if (!h->n)
		return 0;
	rank = quantile_rank(h->n, ppm);
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->count[i];
		if (seen < rank)
			continue;
		uint64_t lo = hist_bucket_low(i);
		uint64_t hi = i + 1 < HIST_BUCKETS ? hist_bucket_low(i + 1) : UINT64_MAX;
		uint64_t mid = lo + (hi - lo) / 2;

		return mid < h->min ? h->min : mid > h->max ? h->max : mid;
	}
	return h->max;
}

void hist_merge(struct hist *to, const struct hist *from)
{
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		to->count[i] += from->count[i];
	to->n += from->n;
	to->sum += from->sum;
	if (from->min < to->min)
		to->min = from->min;
	if (from->max > to->max)
		to->max = from->max;
}
