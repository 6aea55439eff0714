/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the shared page-table walk (guest/mm/pt.c) with a made-up
 * entry format, tables allocated by the real page allocator from a host
 * buffer (identity "mapped", as in the guest).
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/pt.h"
#include "guest/spinlock.h"

#define V 0x1ull             /* valid */
#define T 0x2ull             /* table (upper levels) */
#define W 0x4ull             /* writable */
#define ADDR 0x0000fffffffff000ull

static uint8_t *arena;
static uint64_t *root;
static unsigned links;

static uint64_t table(uint64_t pa) { return pa | V | T; }
static bool block(uint64_t e) { return !(e & T); }
static uint64_t page(uint64_t pa, unsigned flags)
{
	return pa | V | (flags & ARCH_MAP_WRITE ? W : 0);
}
static void before_link(void) { links++; }

static struct spinlock lock = SPINLOCK_INIT;
static struct pt_format fmt = {
	.base = 0x0000008000000000ull, .size = 0x0000008000000000ull,
	.lock = &lock, .valid = V, .addr = ADDR, .table = table, .block = block,
	.page = page, .before_link = before_link,
};

static void setup(void)
{
	size_t size = 4u << 20;

	page_reset_for_test();
	arena = aligned_alloc(size, size);
	cr_assert_not_null(arena);
	page_add_range((uintptr_t)arena, size);
	root = (uint64_t *)(uintptr_t)page_alloc_zeroed(0);
	cr_assert_not_null(root);
	fmt.root = root;
	links = 0;
}

static void teardown(void) { free(arena); }

TestSuite(pt, .init = setup, .fini = teardown);

Test(pt, map_walks_and_creates_three_tables)
{
	uintptr_t va = 0x0000008000123000ull;
	uint64_t pa = 0x45000;

	cr_assert_not(pt_mapped(&fmt, va));
	cr_assert_null(pt_slot(&fmt, va, false), "no tables yet");
	cr_assert_eq(pt_map(&fmt, va, pa, ARCH_MAP_WRITE), 0);
	cr_assert_eq(links, 3, "one table per level below the root");
	cr_assert(pt_mapped(&fmt, va));
	cr_assert_eq(*pt_slot(&fmt, va, false), pa | V | W);
	/* The neighbour shares the tables; the next 2 MiB needs one more. */
	cr_assert_eq(pt_map(&fmt, va + 4096, pa, 0), 0);
	cr_assert_eq(links, 3);
	cr_assert_eq(pt_map(&fmt, va + (2u << 20), pa, 0), 0);
	cr_assert_eq(links, 4);
	cr_assert_not(pt_mapped(&fmt, va + 8192));
}

Test(pt, refusals)
{
	uintptr_t va = 0x0000008000000000ull;

	cr_assert_eq(pt_map(&fmt, va + 1, 0x1000, 0), -EINVAL);
	cr_assert_eq(pt_map(&fmt, va, 0x1001, 0), -EINVAL);
	cr_assert_eq(pt_map(&fmt, va, 1ull << 60, 0), -EINVAL, "beyond ADDR");
	cr_assert_eq(pt_map(&fmt, va, 0x1000, 0), 0);
	cr_assert_eq(pt_map(&fmt, va, 0x2000, 0), -EEXIST);
	cr_assert_not(pt_mapped(&fmt, 1ull << 47), "upper half");
	cr_assert_eq(pt_map(&fmt, 0x1000, 0x1000, 0), -EINVAL, "below the window");
	cr_assert_eq(pt_map(&fmt, 0x0000010000000000ull, 0x1000, 0), -EINVAL,
		     "past the window");
}

Test(pt, a_block_is_mapped_but_not_walked_into)
{
	uintptr_t va = 0x0000008000000000ull; /* root slot 1: a block there */

	root[1] = 0x0 | V; /* valid, not a table: a block */
	cr_assert(pt_mapped(&fmt, va));
	cr_assert_null(pt_slot(&fmt, va, true));
	cr_assert_eq(pt_map(&fmt, va, 0x1000, 0), -ENOMEM);
}

Test(pt, out_of_memory_is_an_error)
{
	uintptr_t va = 0x0000008000000000ull;

	while (page_alloc(0))
		;
	cr_assert_eq(pt_map(&fmt, va, 0x1000, 0), -ENOMEM);
	cr_assert_not(pt_mapped(&fmt, va));
}

static uintptr_t invalidated[4];
static unsigned ninvalidated;
static void invalidate(uintptr_t va)
{
	if (ninvalidated < 4)
		invalidated[ninvalidated] = va;
	ninvalidated++;
}

Test(pt, unmap_clears_and_invalidates_once)
{
	uintptr_t va = 0x0000008000456000ull;
	uint64_t pa = (uintptr_t)arena + 0x200000;

	ninvalidated = 0;
	cr_assert_eq(pt_unmap(&fmt, va, invalidate), -ENOENT, "nothing mapped");
	cr_assert_eq(pt_map(&fmt, va, pa, ARCH_MAP_WRITE), 0);
	cr_assert(pt_mapped(&fmt, va));
	cr_assert_eq(pt_unmap(&fmt, va, invalidate), 0);
	cr_assert(!pt_mapped(&fmt, va));
	cr_assert_eq(ninvalidated, 1);
	cr_assert_eq(invalidated[0], va);
	cr_assert_eq(pt_unmap(&fmt, va, invalidate), -ENOENT, "already unmapped");
	cr_assert_eq(pt_unmap(&fmt, 0x1000, invalidate), -EINVAL, "outside");
	cr_assert_eq(ninvalidated, 1);
	cr_assert_eq(pt_map(&fmt, va, pa, 0), 0, "the slot can be mapped again");
}

/* riscv64's form: entries hold the page number at bit 10 (addr_shift 2). */
static uint64_t table_ppn(uint64_t pa) { return pa >> 2 | V | T; }
static uint64_t page_ppn(uint64_t pa, unsigned flags)
{
	return pa >> 2 | V | (flags & ARCH_MAP_WRITE ? W : 0);
}

Test(pt, entries_holding_a_page_number)
{
	struct pt_format f = fmt;
	uintptr_t va = 0x0000008000789000ull;
	uint64_t pa = (uintptr_t)arena + 0x300000, *pte;

	f.addr = 0x003ffffffffffc00ull;
	f.addr_shift = 2;
	f.table = table_ppn;
	f.page = page_ppn;
	cr_assert_eq(pt_map(&f, va, pa, ARCH_MAP_WRITE), 0);
	cr_assert(pt_mapped(&f, va));
	cr_assert(!pt_mapped(&f, va + 0x1000));
	pte = pt_slot(&f, va, false);
	cr_assert_not_null(pte, "the walk follows shifted table entries");
	cr_assert_eq(*pte, pa >> 2 | V | W);
	cr_assert_eq(pt_map(&f, va, pa, 0), -EEXIST);
	cr_assert_eq(pt_map(&f, va + 0x1000, 1ull << 57, 0), -EINVAL,
		     "an address the entry cannot hold");
	cr_assert_eq(pt_unmap(&f, va, invalidate), 0);
	cr_assert(!pt_mapped(&f, va));
}

static unsigned leaves;
static uint64_t leaf_sum;
static void count_leaf(uint64_t e)
{
	leaves++;
	leaf_sum += e & ADDR;
}

Test(pt, destroy_frees_every_table_and_visits_every_leaf)
{
	struct page_stats before, after;

	/* A slot outside the window must survive: the kernel's entries. */
	root[0] = 0x1000 | V;
	page_get_stats(&before);
	leaves = 0;
	leaf_sum = 0;
	cr_assert_eq(pt_map(&fmt, 0x0000008000001000ull, 0x11000, 0), 0);
	cr_assert_eq(pt_map(&fmt, 0x0000008000002000ull, 0x22000, 0), 0);
	cr_assert_eq(pt_map(&fmt, 0x0000008040000000ull, 0x33000, 0), 0);
	cr_assert_eq(pt_map(&fmt, 0x00000080ffe00000ull, 0x44000, 0), 0);
	/* Every table pt_map() linked in, and only those. */
	cr_assert_eq(pt_destroy(&fmt, count_leaf), links);
	cr_assert_eq(leaves, 4);
	cr_assert_eq(leaf_sum, 0x11000 + 0x22000 + 0x33000 + 0x44000);
	page_get_stats(&after);
	cr_assert_eq(after.free_pages, before.free_pages,
		     "every table went back: %lu free before, %lu after",
		     before.free_pages, after.free_pages);
	cr_assert_eq(root[1], 0, "the window's slot is cleared");
	cr_assert_eq(root[0], 0x1000 | V, "the kernel's slot is kept");
	cr_assert_not(pt_mapped(&fmt, 0x0000008000001000ull));
	/* And an empty window: nothing to free, nothing visited. */
	cr_assert_eq(pt_destroy(&fmt, count_leaf), 0);
	cr_assert_eq(leaves, 4);
}
