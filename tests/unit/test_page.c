/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the buddy page allocator (guest/mm/page.c) on a 16 MiB
 * host buffer standing in for physical memory (identity "mapped").
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "guest/mm/page.h"

#define BLOCK(o) (PAGE_SIZE << (o))
#define MAXBLOCK BLOCK(PAGE_MAX_ORDER)
#define ARENA (4 * MAXBLOCK)
#define ARENA_PAGES (ARENA / PAGE_SIZE)

static uint8_t *arena;
static uint64_t base;

static void setup(void)
{
	page_reset_for_test();
	arena = aligned_alloc(MAXBLOCK, ARENA);
	cr_assert_not_null(arena);
	base = (uintptr_t)arena;
}

static void teardown(void)
{
	free(arena);
}

TestSuite(page, .init = setup, .fini = teardown);

static struct page_stats stats(void)
{
	struct page_stats st;

	page_get_stats(&st);
	return st;
}

/* Everything free again and merged into maximal blocks? */
static void expect_all_free(uint64_t max_blocks)
{
	struct page_stats st = stats();
	unsigned o;

	cr_assert_eq(st.free_pages, st.total_pages);
	cr_assert_eq(st.free_blocks[PAGE_MAX_ORDER], max_blocks,
		     "%llu blocks of max order",
		     (unsigned long long)st.free_blocks[PAGE_MAX_ORDER]);
	for (o = 0; o < PAGE_MAX_ORDER; o++)
		cr_assert_eq(st.free_blocks[o], 0, "order %u left", o);
}

Test(page, every_order_aligned_and_coalesced)
{
	uint64_t got[PAGE_MAX_ORDER + 1], used = 0;
	unsigned o;

	page_add_range(base, ARENA);
	cr_assert_eq(stats().total_pages, ARENA_PAGES);
	expect_all_free(4);
	for (o = 0; o <= PAGE_MAX_ORDER; o++) {
		got[o] = page_alloc(o);
		cr_assert_neq(got[o], 0, "order %u", o);
		cr_assert(IS_ALIGNED(got[o], BLOCK(o)), "order %u: %#llx", o,
			  (unsigned long long)got[o]);
		cr_assert(got[o] >= base && got[o] + BLOCK(o) <= base + ARENA);
		memset((void *)(uintptr_t)got[o], o, BLOCK(o));
		used += 1ull << o;
		cr_assert_eq(stats().free_pages, ARENA_PAGES - used);
	}
	for (o = 0; o <= PAGE_MAX_ORDER; o++) {
		const uint8_t *p = (const uint8_t *)(uintptr_t)got[o];

		cr_assert(p[0] == o && p[BLOCK(o) - 1] == o, "order %u data",
			  o);
		page_free(got[o], o);
	}
	expect_all_free(4);
	cr_assert_eq(stats().bad_frees, 0);
}

Test(page, too_large_order)
{
	page_add_range(base, ARENA);
	cr_assert_eq(page_alloc(PAGE_MAX_ORDER + 1), 0);
	cr_assert_eq(page_alloc(~0u), 0);
	cr_assert_eq(stats().alloc_fails, 2);
	page_free(base, PAGE_MAX_ORDER + 1);
	cr_assert_eq(stats().bad_frees, 1);
}

/* Expected maximal-block split of [s, e), as page_add_range documents. */
static void split_blocks(uint64_t s, uint64_t e, uint64_t *count)
{
	while (s < e) {
		unsigned o = PAGE_MAX_ORDER;

		while (!IS_ALIGNED(s, BLOCK(o)) || BLOCK(o) > e - s)
			o--;
		count[o]++;
		s += BLOCK(o);
	}
}

Test(page, unaligned_range_rounds_inward)
{
	uint64_t s = base + 3 * PAGE_SIZE + 123, e = base + ARENA - 77;
	uint64_t want[PAGE_MAX_ORDER + 1] = { 0 };
	struct page_stats st;
	unsigned o;

	page_add_range(s, e - s);
	st = stats();
	s = ALIGN_UP(s, PAGE_SIZE);
	e = ALIGN_DOWN(e, PAGE_SIZE);
	cr_assert_eq(st.total_pages, (e - s) / PAGE_SIZE);
	cr_assert_eq(st.free_pages, st.total_pages);
	split_blocks(s, e, want);
	for (o = 0; o <= PAGE_MAX_ORDER; o++)
		cr_assert_eq(st.free_blocks[o], want[o],
			     "order %u: %llu != %llu", o,
			     (unsigned long long)st.free_blocks[o],
			     (unsigned long long)want[o]);
	/* Nothing outside the range is handed out. */
	for (;;) {
		uint64_t pa = page_alloc(0);

		if (!pa)
			break;
		cr_assert(pa >= s && pa + PAGE_SIZE <= e);
	}
	cr_assert_eq(stats().free_pages, 0);
}

Test(page, tiny_and_empty_ranges)
{
	page_add_range(base + 100, 200); /* no whole page */
	page_add_range(base, 0);
	page_add_range(0, PAGE_SIZE); /* page 0 is never used */
	page_add_range(UINT64_MAX - 10, 100); /* wraps */
	cr_assert_eq(stats().total_pages, 0);
	cr_assert_eq(stats().nranges, 0);
	cr_assert_eq(page_alloc(0), 0);
}

Test(page, adjacent_ranges_merge)
{
	/* Added out of order in three pieces: left, right, then the middle. */
	page_add_range(base, MAXBLOCK + 5 * PAGE_SIZE);
	page_add_range(base + 2 * MAXBLOCK + 3 * PAGE_SIZE,
		       ARENA - 2 * MAXBLOCK - 3 * PAGE_SIZE);
	cr_assert_eq(stats().nranges, 2);
	page_add_range(base + MAXBLOCK + 5 * PAGE_SIZE,
		       MAXBLOCK - 2 * PAGE_SIZE);
	cr_assert_eq(stats().nranges, 1);
	cr_assert_eq(stats().total_pages, ARENA_PAGES);
	expect_all_free(4);
}

Test(page, overlapping_range_dropped)
{
	page_add_range(base, 2 * MAXBLOCK);
	page_add_range(base + MAXBLOCK, 2 * MAXBLOCK);
	page_add_range(base, 2 * MAXBLOCK);
	cr_assert_eq(stats().dropped_ranges, 2);
	cr_assert_eq(stats().total_pages, 2 * MAXBLOCK / PAGE_SIZE);
	expect_all_free(2);
}

Test(page, range_table_full)
{
	unsigned i;

	/* One page every other page: no two ranges are adjacent. */
	for (i = 0; i < PAGE_MAX_RANGES + 3; i++)
		page_add_range(base + 2 * i * PAGE_SIZE, PAGE_SIZE);
	cr_assert_eq(stats().nranges, PAGE_MAX_RANGES);
	cr_assert_eq(stats().dropped_ranges, 3);
	cr_assert_eq(stats().total_pages, PAGE_MAX_RANGES);
	cr_assert_eq(stats().free_blocks[0], PAGE_MAX_RANGES);
}

Test(page, exhaustion)
{
	enum { N = 256 };
	static uint64_t got[N];
	unsigned i, j;

	page_add_range(base, N * PAGE_SIZE);
	for (i = 0; i < N; i++) {
		got[i] = page_alloc(0);
		cr_assert_neq(got[i], 0, "page %u", i);
		for (j = 0; j < i; j++)
			cr_assert_neq(got[i], got[j]);
	}
	cr_assert_eq(page_alloc(0), 0);
	cr_assert_eq(page_alloc(3), 0);
	cr_assert_eq(stats().alloc_fails, 2);
	cr_assert_eq(stats().free_pages, 0);
	for (i = 0; i < N; i++)
		page_free(got[i], 0);
	cr_assert_eq(stats().free_blocks[8], 1, "back to one 1 MiB block");
	cr_assert_eq(page_alloc(8), base);
}

Test(page, bad_frees_are_refused)
{
	static uint8_t elsewhere[2 * PAGE_SIZE];
	struct page_stats before;
	uint64_t a, b, other;

	page_add_range(base, 2 * MAXBLOCK);
	a = page_alloc(0);
	b = page_alloc(2);
	/* Both come from one 4 MiB block; the other one stays whole. */
	cr_assert_eq(ALIGN_DOWN(a, MAXBLOCK), ALIGN_DOWN(b, MAXBLOCK));
	other = ALIGN_DOWN(a, MAXBLOCK) == base ? base + MAXBLOCK : base;
	before = stats();

	page_free(a + 8, 0); /* misaligned */
	page_free(b + PAGE_SIZE, 1); /* misaligned for order */
	page_free(ALIGN_UP((uintptr_t)elsewhere, PAGE_SIZE), 0); /* foreign */
	page_free(base + 2 * MAXBLOCK, 0); /* just past the range */
	page_free(base - PAGE_SIZE, 0); /* just before it */
	page_free(other, 0); /* a free block's start */
	page_free(other + 5 * PAGE_SIZE, 0); /* inside a free block */
	page_free(other, PAGE_MAX_ORDER); /* a free block itself */
	page_free(base + MAXBLOCK / 2, PAGE_MAX_ORDER);
	cr_assert_eq(stats().bad_frees, 9);
	cr_assert_eq(stats().free_pages, before.free_pages);

	page_free(a, 0);
	page_free(a, 0); /* double free */
	cr_assert_eq(stats().bad_frees, 10);
	page_free(b, 2);
	page_free(b, 2);
	page_free(b + PAGE_SIZE, 0); /* inside a merged block */
	cr_assert_eq(stats().bad_frees, 12);
	expect_all_free(2);
}

Test(page, overwritten_free_list_is_not_followed)
{
	struct page_stats st;
	uint64_t pa;

	page_add_range(base, ARENA);
	memset(arena, 0x5a, ARENA); /* scribble over every free block */
	pa = page_alloc(0);
	st = stats();
	cr_assert_eq(pa, 0, "no garbage address is handed out");
	cr_assert_eq(st.corrupt_blocks, 4);
	cr_assert_eq(st.free_pages, 0);
}

Test(page, alloc_zeroed)
{
	uint64_t pa = page_alloc(2);
	const uint8_t *p;
	size_t i;

	cr_assert_eq(pa, 0, "nothing added yet");
	memset(arena, 0x5a, ARENA);
	page_add_range(base, ARENA);
	pa = page_alloc_zeroed(2);
	cr_assert_neq(pa, 0);
	p = (const uint8_t *)(uintptr_t)pa;
	for (i = 0; i < BLOCK(2); i++)
		cr_assert_eq(p[i], 0, "byte %zu", i);
}

/*
 * Random allocations and frees checked against a shadow map of page
 * owners: blocks are aligned, inside the arena, never overlap, and keep
 * their contents until freed.
 */
Test(page, random_against_shadow_map)
{
	enum { SLOTS = 400, OPS = 30000 };
	static uint64_t slot_pa[SLOTS];
	static unsigned slot_order[SLOTS];
	static uint16_t owner[ARENA_PAGES]; /* slot + 1, 0 = free */
	unsigned seed = 7, i, s, k, live_pages = 0;

	page_add_range(base, ARENA);
	for (i = 0; i < OPS; i++) {
		s = (unsigned)rand_r(&seed) % SLOTS;
		if (slot_pa[s]) {
			uint64_t *w = (uint64_t *)(uintptr_t)slot_pa[s];
			size_t first = (slot_pa[s] - base) / PAGE_SIZE;

			cr_assert_eq(w[0], slot_pa[s] ^ s, "contents kept");
			for (k = 0; k < 1u << slot_order[s]; k++)
				owner[first + k] = 0;
			page_free(slot_pa[s], slot_order[s]);
			live_pages -= 1u << slot_order[s];
			slot_pa[s] = 0;
		} else {
			unsigned o = (unsigned)rand_r(&seed) % 7;
			uint64_t pa = page_alloc(o);
			size_t first;

			if (!pa)
				continue;
			cr_assert(IS_ALIGNED(pa, BLOCK(o)));
			cr_assert(pa >= base && pa + BLOCK(o) <= base + ARENA);
			first = (pa - base) / PAGE_SIZE;
			for (k = 0; k < 1u << o; k++) {
				cr_assert_eq(owner[first + k], 0,
					     "page %zu given twice", first + k);
				owner[first + k] = (uint16_t)(s + 1);
			}
			*(uint64_t *)(uintptr_t)pa = pa ^ s;
			slot_pa[s] = pa;
			slot_order[s] = o;
			live_pages += 1u << o;
		}
		cr_assert_eq(stats().free_pages, ARENA_PAGES - live_pages);
	}
	for (s = 0; s < SLOTS; s++)
		if (slot_pa[s])
			page_free(slot_pa[s], slot_order[s]);
	cr_assert_eq(stats().bad_frees, 0);
	expect_all_free(4);
}

struct worker {
	unsigned id;
	unsigned fails; /* corrupted contents seen */
};

static void *stress(void *arg)
{
	enum { SLOTS = 32, OPS = 20000 };
	struct worker *w = arg;
	uint64_t pa[SLOTS] = { 0 };
	unsigned order[SLOTS], seed = w->id * 977 + 1, i, s;

	for (i = 0; i < OPS; i++) {
		s = (unsigned)rand_r(&seed) % SLOTS;
		if (pa[s]) {
			uint8_t *p = (uint8_t *)(uintptr_t)pa[s];
			size_t n = BLOCK(order[s]), k;

			for (k = 0; k < n; k += 512)
				if (p[k] != (uint8_t)(w->id * 31 + s))
					w->fails++;
			page_free(pa[s], order[s]);
			pa[s] = 0;
		} else {
			order[s] = (unsigned)rand_r(&seed) % 4;
			pa[s] = page_alloc(order[s]);
			if (pa[s])
				memset((void *)(uintptr_t)pa[s],
				       (uint8_t)(w->id * 31 + s),
				       BLOCK(order[s]));
		}
	}
	for (s = 0; s < SLOTS; s++)
		if (pa[s])
			page_free(pa[s], order[s]);
	return NULL;
}

Test(page, four_threads)
{
	pthread_t t[4];
	struct worker w[4];
	unsigned i;

	page_add_range(base, ARENA);
	for (i = 0; i < 4; i++) {
		w[i] = (struct worker){ .id = i, .fails = 0 };
		cr_assert_eq(pthread_create(&t[i], NULL, stress, &w[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		cr_assert_eq(w[i].fails, 0, "thread %u saw foreign writes", i);
	}
	cr_assert_eq(stats().bad_frees, 0);
	cr_assert_eq(stats().corrupt_blocks, 0);
	expect_all_free(4);
}

Test(page, order_for)
{
	cr_assert_eq(page_order_for(0), 0);
	cr_assert_eq(page_order_for(1), 0);
	cr_assert_eq(page_order_for(PAGE_SIZE), 0);
	cr_assert_eq(page_order_for(PAGE_SIZE + 1), 1);
	cr_assert_eq(page_order_for(MAXBLOCK), PAGE_MAX_ORDER);
	cr_assert_eq(page_order_for(MAXBLOCK + 1), PAGE_MAX_ORDER + 1);
}
