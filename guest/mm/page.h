/* SPDX-License-Identifier: MIT */
/*
 * Physical page allocator: a binary buddy allocator over the RAM ranges
 * handed to page_add_range(), with free lists kept inside the free pages.
 */
#ifndef GUEST_MM_PAGE_H
#define GUEST_MM_PAGE_H

#include "types.h"

#define PAGE_MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */
#define PAGE_MAX_RANGES 32 /* disjoint, non-adjacent RAM ranges tracked */

struct page_stats {
	uint64_t total_pages; /* pages added by page_add_range() */
	uint64_t free_pages; /* pages now on the free lists */
	uint64_t bad_frees; /* page_free() calls refused (see below) */
	uint64_t alloc_fails; /* page_alloc() calls that returned 0 */
	uint64_t corrupt_blocks; /* free-list entries found overwritten */
	uint64_t dropped_ranges; /* page_add_range() calls ignored */
	unsigned nranges; /* entries used in the range table */
	uint64_t free_blocks[PAGE_MAX_ORDER + 1]; /* free blocks per order */
};

/*
 * Add usable RAM [pa, pa + len): rounded inward to pages, page 0 excluded,
 * split into maximal aligned blocks and merged with free neighbours; O(blocks)
 * work, touching one word per block. The memory must be mapped at its
 * physical address. A range overlapping one already added, or that does not
 * fit the range table, is ignored (counted in dropped_ranges). Any context.
 */
void page_add_range(uint64_t pa, uint64_t len);

/*
 * Allocate 2^order contiguous pages, aligned to their size. Returns the
 * physical address, or 0 when out of memory or order > PAGE_MAX_ORDER.
 * The contents are undefined. Any context (IRQ-safe spinlock); O(log n).
 */
uint64_t page_alloc(unsigned order);

/* page_alloc() and zero the block (outside the lock). */
uint64_t page_alloc_zeroed(unsigned order);

/*
 * Free a block from page_alloc(order). Refused and counted in bad_frees,
 * without touching memory outside the allocator: a misaligned or foreign
 * address, a block outside the ranges added, order > PAGE_MAX_ORDER, or a
 * block whose start lies in free memory (double free). Freeing with a
 * larger order than allocated is not always detected. Any context.
 */
void page_free(uint64_t pa, unsigned order);

void page_get_stats(struct page_stats *st);

/* Smallest order whose block holds bytes (may exceed PAGE_MAX_ORDER). */
static inline unsigned page_order_for(uint64_t bytes)
{
	unsigned order = 0;

	while ((PAGE_SIZE << order) < bytes && order < 63 - PAGE_SHIFT)
		order++;
	return order;
}

#ifdef HOST_TEST
/* Forget every range and free block (unit tests only). */
void page_reset_for_test(void);
#endif

#endif
