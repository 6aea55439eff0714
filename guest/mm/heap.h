/* SPDX-License-Identifier: MIT */
/*
 * Kernel heap on top of page_alloc(): size classes of 16..2048 bytes carved
 * from 16 KiB slabs (kept by their class once taken), larger requests
 * served as whole page blocks returned to page_free() by kfree().
 */
#ifndef GUEST_MM_HEAP_H
#define GUEST_MM_HEAP_H

#include "types.h"

#define HEAP_ALIGN 16 /* every result is aligned to this */
#define HEAP_MIN_CLASS 16 /* smallest size class, bytes */
#define HEAP_MAX_CLASS 2048 /* largest size class; above: page blocks */
#define HEAP_NCLASSES 8 /* 16, 32, ..., 2048 */

struct heap_stats {
	uint64_t allocs; /* successful allocations */
	uint64_t frees; /* successful kfree() calls */
	uint64_t bad_frees; /* kfree() of a pointer not live in the heap */
	uint64_t double_frees; /* bad_frees recognised as double frees */
	uint64_t failed; /* allocations that returned NULL */
	uint64_t corrupt; /* free objects found overwritten */
	uint64_t slab_bytes; /* bytes taken from page_alloc() for classes */
	uint64_t large_live; /* live allocations above HEAP_MAX_CLASS */
	uint64_t class_live[HEAP_NCLASSES]; /* live objects per size class */
};

/*
 * Allocate n bytes, HEAP_ALIGN-aligned, contents undefined. NULL when out
 * of memory. kmalloc(0) returns a unique 16-byte object (never NULL unless
 * out of memory); free it with kfree(). Any context (IRQ-safe locks).
 */
void *kmalloc(size_t n);
/* kmalloc() and zero the first n bytes. */
void *kzalloc(size_t n);
/* Zeroed array of n elements of size bytes; NULL if n * size overflows. */
void *kcalloc(size_t n, size_t size);

/*
 * Free p (NULL is ignored). A pointer that is not a live heap object
 * (foreign, misaligned, already freed) is refused and counted in
 * bad_frees where the heap can tell; nothing is written then.
 */
void kfree(void *p);

/* Bytes usable at p (>= the size asked for), 0 if p is not live. */
size_t kmalloc_usable_size(const void *p);

void heap_get_stats(struct heap_stats *st);

#ifdef HOST_TEST
/* Forget all heap state (unit tests; pair with page_reset_for_test()). */
void heap_reset_for_test(void);
#endif

#endif
