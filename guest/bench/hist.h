/* SPDX-License-Identifier: MIT */
/*
 * Log-linear latency histogram: each power of two is split into
 * HIST_SUB buckets, so any percentile is exact to 1/HIST_SUB (3%) of its
 * value; min, max and the sum are kept exactly. Values are cycles or ns.
 */
#ifndef GUEST_BENCH_HIST_H
#define GUEST_BENCH_HIST_H

#include "types.h"

#define HIST_SUB_BITS 5
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_BUCKETS ((64 - HIST_SUB_BITS + 1) * HIST_SUB)

struct hist {
	uint64_t n, sum, min, max;
	uint32_t count[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
/* Bucket index of v, and the smallest value that lands in bucket i. */
unsigned hist_bucket(uint64_t v);
uint64_t hist_bucket_low(unsigned i);
/* The value at quantile q (per mille, 0..1000; 999 = p99.9 uses parts
 * per ten thousand via hist_quantile_ppm). Returns the bucket's midpoint,
 * clamped to [min, max]; 0 for an empty histogram. */
uint64_t hist_quantile_ppm(const struct hist *h, uint32_t ppm);
/* The same quantile, exactly, from n samples sorted ascending. */
uint64_t quantile_sorted_ppm(const uint64_t *a, uint64_t n, uint32_t ppm);
/* Add every sample of from into to. */
void hist_merge(struct hist *to, const struct hist *from);

#endif
