/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the kernel heap (guest/mm/heap.c) over the real page
 * allocator, fed a 32 MiB host buffer.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "guest/mm/heap.h"
#include "guest/mm/page.h"

#define MAXBLOCK (PAGE_SIZE << PAGE_MAX_ORDER)
#define ARENA (8 * MAXBLOCK)

static uint8_t *arena;

static void setup(void)
{
	page_reset_for_test();
	heap_reset_for_test();
	arena = aligned_alloc(MAXBLOCK, ARENA);
	cr_assert_not_null(arena);
	page_add_range((uintptr_t)arena, ARENA);
}

static void teardown(void)
{
	free(arena);
}

TestSuite(heap, .init = setup, .fini = teardown);

static struct heap_stats hstats(void)
{
	struct heap_stats st;

	heap_get_stats(&st);
	return st;
}

static bool in_arena(const void *p, size_t n)
{
	return (const uint8_t *)p >= arena &&
	       (const uint8_t *)p + n <= arena + ARENA;
}

/* Size class a request of n bytes lands in (the documented classes). */
static size_t class_for(size_t n)
{
	size_t c = HEAP_MIN_CLASS;

	while (c < n)
		c <<= 1;
	return c;
}

Test(heap, every_size_class)
{
	size_t n;

	for (n = 0; n <= 2 * PAGE_SIZE + 100; n++) {
		uint8_t *p = kmalloc(n);
		size_t u = kmalloc_usable_size(p);

		cr_assert_not_null(p, "size %zu", n);
		cr_assert(IS_ALIGNED((uintptr_t)p, HEAP_ALIGN), "size %zu", n);
		cr_assert(in_arena(p, u));
		if (n <= HEAP_MAX_CLASS)
			cr_assert_eq(u, class_for(n), "size %zu: usable %zu", n,
				     u);
		else
			cr_assert_eq(u,
				     (PAGE_SIZE << page_order_for(n + 16)) -
					     HEAP_ALIGN,
				     "size %zu: usable %zu", n, u);
		memset(p, 0xab, u);
		kfree(p);
		cr_assert_eq(kmalloc_usable_size(p), 0, "freed %zu", n);
	}
	cr_assert_eq(hstats().allocs, 2 * PAGE_SIZE + 101);
	cr_assert_eq(hstats().frees, 2 * PAGE_SIZE + 101);
	cr_assert_eq(hstats().bad_frees, 0);
}

Test(heap, zero_size_is_unique)
{
	void *a = kmalloc(0), *b = kmalloc(0);

	cr_assert_not_null(a);
	cr_assert_not_null(b);
	cr_assert_neq(a, b);
	cr_assert_eq(kmalloc_usable_size(a), HEAP_MIN_CLASS);
	kfree(a);
	kfree(b);
	cr_assert_eq(hstats().bad_frees, 0);
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return x < y ? -1 : x > y;
}

Test(heap, live_objects_never_overlap)
{
	enum { N = 3000 };
	static uintptr_t p[N];
	unsigned seed = 3, i;

	for (i = 0; i < N; i++) {
		size_t n = (size_t)rand_r(&seed) % 5000;

		p[i] = (uintptr_t)kmalloc(n);
		cr_assert_neq(p[i], 0, "alloc %u of %zu", i, n);
		cr_assert_geq(kmalloc_usable_size((void *)p[i]), n);
		memset((void *)p[i], (int)(i & 0xff), n);
	}
	qsort(p, N, sizeof(p[0]), cmp_ptr);
	for (i = 1; i < N; i++) {
		size_t u = kmalloc_usable_size((void *)p[i - 1]);

		/* The next object's 16-byte header follows the usable part. */
		cr_assert_leq(p[i - 1] + u + HEAP_ALIGN, p[i],
			      "objects %#lx (+%zu) and %#lx overlap",
			      (unsigned long)p[i - 1], u, (unsigned long)p[i]);
	}
	for (i = 0; i < N; i++)
		kfree((void *)p[i]);
	cr_assert_eq(hstats().bad_frees, 0);
}

Test(heap, large_allocations)
{
	struct page_stats before, after;
	uint8_t *p, *q;

	page_get_stats(&before);
	p = kmalloc(1 << 20);
	cr_assert_not_null(p);
	cr_assert_geq(kmalloc_usable_size(p), 1 << 20);
	cr_assert(IS_ALIGNED((uintptr_t)p, HEAP_ALIGN));
	memset(p, 1, 1 << 20);
	q = kmalloc(MAXBLOCK - HEAP_ALIGN); /* the largest that fits */
	cr_assert_not_null(q);
	cr_assert_eq(kmalloc_usable_size(q), MAXBLOCK - HEAP_ALIGN);
	cr_assert_null(kmalloc(MAXBLOCK - HEAP_ALIGN + 1));
	cr_assert_null(kmalloc(SIZE_MAX));
	cr_assert_null(kmalloc(SIZE_MAX - 8));
	cr_assert_eq(hstats().failed, 3);
	cr_assert_eq(hstats().large_live, 2);
	kfree(p);
	kfree(q);
	page_get_stats(&after);
	cr_assert_eq(after.free_pages, before.free_pages,
		     "large blocks go back to the page allocator");
	cr_assert_eq(hstats().large_live, 0);
}

Test(heap, out_of_memory)
{
	unsigned n = 0;

	while (kmalloc(MAXBLOCK / 2))
		n++;
	cr_assert_eq(n, ARENA / MAXBLOCK, "one 4 MiB block each");
	cr_assert_null(kmalloc(3000));
	/* Small classes still carve from slabs they already hold: none. */
	cr_assert_null(kmalloc(16));
	cr_assert_eq(hstats().failed, 3);
}

Test(heap, kcalloc_and_kzalloc)
{
	uint8_t *p;
	size_t i;

	cr_assert_null(kcalloc(SIZE_MAX / 2 + 1, 2));
	cr_assert_null(kcalloc(2, SIZE_MAX / 2 + 1));
	cr_assert_null(kcalloc(SIZE_MAX, SIZE_MAX));
	cr_assert_eq(hstats().failed, 3);

	/* Reuse a dirtied object: kzalloc/kcalloc must clear it. */
	p = kmalloc(100);
	memset(p, 0xee, 100);
	kfree(p);
	cr_assert_eq(kzalloc(100), p, "LIFO reuse expected");
	for (i = 0; i < 100; i++)
		cr_assert_eq(p[i], 0, "kzalloc byte %zu", i);
	memset(p, 0xee, 100);
	kfree(p);
	cr_assert_eq(kcalloc(25, 4), p);
	for (i = 0; i < 100; i++)
		cr_assert_eq(p[i], 0, "kcalloc byte %zu", i);
	p = kcalloc(3000, 10);
	cr_assert_not_null(p);
	for (i = 0; i < 30000; i++)
		cr_assert_eq(p[i], 0);
	cr_assert_not_null(kcalloc(0, 8));
}

Test(heap, bad_and_double_frees)
{
	static uint8_t outside[64] __aligned(16);
	uint8_t *a, *b, *c, *big;
	struct heap_stats st;

	kfree(NULL);
	cr_assert_eq(hstats().bad_frees, 0, "kfree(NULL) is fine");

	a = kmalloc(40);
	kfree(a + 8); /* misaligned */
	kfree(a + 16); /* aligned, not an object */
	kfree(outside + 32); /* not heap memory */
	cr_assert_eq(hstats().bad_frees, 3);
	cr_assert_eq(hstats().double_frees, 0);
	cr_assert_eq(kmalloc_usable_size(a), 64, "a survives the bad frees");

	kfree(a);
	kfree(a); /* double free */
	st = hstats();
	cr_assert_eq(st.bad_frees, 4);
	cr_assert_eq(st.double_frees, 1);
	/* The object went back to its list only once. */
	b = kmalloc(40);
	c = kmalloc(40);
	cr_assert_eq(b, a);
	cr_assert_neq(c, a);

	big = kmalloc(50000);
	kfree(big);
	kfree(big); /* double free of a large block */
	kfree(big + PAGE_SIZE);
	st = hstats();
	cr_assert_eq(st.bad_frees, 6);
	cr_assert_eq(st.frees, 2);
	cr_assert_eq(st.large_live, 0);
}

Test(heap, overwritten_header_is_refused)
{
	uint8_t *a = kmalloc(64), *b = kmalloc(64);

	cr_assert_eq(b, a + 64 + HEAP_ALIGN, "neighbours in one slab");
	memset(a, 0, 64 + 8); /* overflow into b's header */
	kfree(b);
	cr_assert_eq(hstats().bad_frees, 1);
	cr_assert_eq(hstats().class_live[2], 2);
}

/* Random mix with content checks on every object before it is freed. */
static unsigned run_mix(unsigned seed, unsigned ops, unsigned slots, void **p,
			size_t *n)
{
	unsigned bad = 0, i, s;
	size_t k;

	for (i = 0; i < ops; i++) {
		s = (unsigned)rand_r(&seed) % slots;
		if (p[s]) {
			const uint8_t *b = p[s];

			for (k = 0; k < n[s]; k++)
				bad += b[k] != (uint8_t)(s + n[s]);
			kfree(p[s]);
			p[s] = NULL;
			continue;
		}
		n[s] = (size_t)rand_r(&seed) %
		       (rand_r(&seed) % 8 ? 2100 : 20000);
		p[s] = kmalloc(n[s]);
		if (!p[s] || !IS_ALIGNED((uintptr_t)p[s], HEAP_ALIGN) ||
		    kmalloc_usable_size(p[s]) < n[s]) {
			bad++;
			continue;
		}
		memset(p[s], (uint8_t)(s + n[s]), n[s]);
	}
	for (s = 0; s < slots; s++)
		kfree(p[s]);
	return bad;
}

Test(heap, random_stress)
{
	enum { SLOTS = 600 };
	static void *p[SLOTS];
	static size_t n[SLOTS];
	struct heap_stats st;
	unsigned i;

	cr_assert_eq(run_mix(11, 60000, SLOTS, p, n), 0);
	st = hstats();
	cr_assert_eq(st.allocs, st.frees);
	cr_assert_eq(st.bad_frees, 0);
	cr_assert_eq(st.corrupt, 0);
	cr_assert_eq(st.large_live, 0);
	for (i = 0; i < HEAP_NCLASSES; i++)
		cr_assert_eq(st.class_live[i], 0, "class %u", i);
}

struct worker {
	unsigned id;
	unsigned bad;
};

static void *worker_main(void *arg)
{
	enum { SLOTS = 200 };
	struct worker *w = arg;
	void *p[SLOTS] = { 0 };
	size_t n[SLOTS];

	w->bad = run_mix(w->id * 7919 + 5, 30000, SLOTS, p, n);
	return NULL;
}

Test(heap, four_threads)
{
	pthread_t t[4];
	struct worker w[4];
	struct heap_stats st;
	unsigned i;

	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ .id = i };
		cr_assert_eq(pthread_create(&t[i], NULL, worker_main, &w[i]),
			     0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].bad, 0, "thread %u: %u bad results", i,
			     w[i].bad);
	}
	st = hstats();
	cr_assert_eq(st.allocs, st.frees);
	cr_assert_eq(st.bad_frees, 0);
	cr_assert_eq(st.corrupt, 0);
	for (i = 0; i < HEAP_NCLASSES; i++)
		cr_assert_eq(st.class_live[i], 0, "class %u", i);
}
