/* SPDX-License-Identifier: MIT */
/* Sorting for the benchmarks' exact quantiles: O(n log n), no allocation. */
#ifndef GUEST_LIB_SORT_H
#define GUEST_LIB_SORT_H

#include "types.h"

/* Sort a[0..n) ascending, in place (heapsort: not stable, no recursion). */
void sort_u64(uint64_t *a, size_t n);

#endif
