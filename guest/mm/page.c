/* SPDX-License-Identifier: MIT */
/*
 * Binary buddy allocator for physical pages. Free blocks carry their own
 * list links and an address-keyed tag; a small table of RAM ranges says
 * which buddies may be looked at. One IRQ-safe lock guards it all.
 */
#include <string.h>

#include "guest/mm/page.h"
#include "guest/spinlock.h"

/*
 * The first bytes of a free block while it heads a free list. The tag
 * depends on the block's address and order, so a stale copy or user data
 * is not mistaken for a free block; it is cleared when the block leaves
 * its list. Invariant: a valid tag <=> the block is on free[order].
 */
struct free_block {
	uint64_t tag; /* block_tag(address, order) */
	uint64_t order; /* list this block is on */
	struct free_block *next; /* same-order list, NULL-terminated */
	struct free_block *prev; /* NULL for the first block */
};

struct page_range {
	uint64_t start; /* page aligned, inclusive */
	uint64_t end; /* page aligned, exclusive */
};

/* All allocator state, guarded by lock (taken with IRQs saved). */
static struct {
	struct spinlock lock;
	struct free_block *free[PAGE_MAX_ORDER + 1]; /* free lists */
	struct page_range range[PAGE_MAX_RANGES]; /* st.nranges used */
	struct page_stats st;
} pg;

#define FREE_MAGIC 0x6672656570616765ull /* "freepage" */

static uint64_t block_tag(uint64_t pa, unsigned order)
{
	/* Multiplying by an odd constant is a bijection: no two (pa, order)
	 * pairs of aligned blocks share a tag. */
	return (FREE_MAGIC ^ pa) * 0x9e3779b97f4a7c15ull + order;
}

static struct free_block *blk(uint64_t pa)
{
	return (struct free_block *)(uintptr_t)pa;
}

static uint64_t blk_pa(const struct free_block *b)
{
	return (uint64_t)(uintptr_t)b;
}

static bool tag_ok(const struct free_block *b, unsigned order)
{
	return b->order == order && b->tag == block_tag(blk_pa(b), order);
}

/* Is the block at pa (known RAM) a free block of exactly this order? */
static bool is_free_head(uint64_t pa, unsigned order)
{
	struct free_block *b = blk(pa);

	if (!tag_ok(b, order))
		return false;
	return b->prev ? b->prev->next == b : pg.free[order] == b;
}

static void list_push(uint64_t pa, unsigned order)
{
	struct free_block *b = blk(pa), *head = pg.free[order];

	b->tag = block_tag(pa, order);
	b->order = order;
	b->prev = NULL;
	b->next = head;
	if (head)
		head->prev = b;
	pg.free[order] = b;
	pg.st.free_blocks[order]++;
}

static void list_del(struct free_block *b, unsigned order)
{
	if (b->prev)
		b->prev->next = b->next;
	else
		pg.free[order] = b->next;
	if (b->next)
		b->next->prev = b->prev;
	b->tag = 0;
	pg.st.free_blocks[order]--;
}

/* Drop a list found overwritten (use after free), keeping its first
 * keep blocks (the list is cut after block last, or emptied if NULL). */
static void list_cut(unsigned order, struct free_block *last, uint64_t keep)
{
	uint64_t lost = pg.st.free_blocks[order] - keep;

	if (last)
		last->next = NULL;
	else
		pg.free[order] = NULL;
	pg.st.corrupt_blocks += lost;
	pg.st.free_pages -= lost << order;
	pg.st.free_blocks[order] = keep;
}

/* Take the first block of free[order], checking it and its successor. */
static struct free_block *list_pop(unsigned order)
{
	struct free_block *b = pg.free[order];

	if (!b)
		return NULL;
	if (!tag_ok(b, order)) {
		list_cut(order, NULL, 0);
		return NULL;
	}
	if (b->next && !tag_ok(b->next, order))
		list_cut(order, b, 1);
	list_del(b, order);
	return b;
}

static struct page_range *find_range(uint64_t pa)
{
	unsigned i;

	for (i = 0; i < pg.st.nranges; i++)
		if (pa >= pg.range[i].start && pa < pg.range[i].end)
			return &pg.range[i];
	return NULL;
}

/*
 * Record [start, end), merging it with adjacent ranges so that a block
 * never straddles two entries. NULL if it overlaps one or the table is
 * full. Returns the entry that now holds it.
 */
static struct page_range *range_add(uint64_t start, uint64_t end)
{
	int left = -1, right = -1;
	unsigned i, n = pg.st.nranges;

	for (i = 0; i < n; i++) {
		if (start < pg.range[i].end && pg.range[i].start < end)
			return NULL;
		if (pg.range[i].end == start)
			left = (int)i;
		if (pg.range[i].start == end)
			right = (int)i;
	}
	if (left >= 0 && right >= 0) {
		pg.range[left].end = pg.range[right].end;
		pg.range[right] = pg.range[--pg.st.nranges];
		if (left == (int)pg.st.nranges) /* moved into right's slot */
			left = right;
		return &pg.range[left];
	}
	if (left >= 0) {
		pg.range[left].end = end;
		return &pg.range[left];
	}
	if (right >= 0) {
		pg.range[right].start = start;
		return &pg.range[right];
	}
	if (n == PAGE_MAX_RANGES)
		return NULL;
	pg.range[n].start = start;
	pg.range[n].end = end;
	pg.st.nranges++;
	return &pg.range[n];
}

/* Put a block on the free lists, merging it with free buddies in r. */
static void free_locked(const struct page_range *r, uint64_t pa, unsigned order)
{
	while (order < PAGE_MAX_ORDER) {
		uint64_t size = PAGE_SIZE << order, buddy = pa ^ size;

		if (buddy < r->start || buddy > r->end - size ||
		    !is_free_head(buddy, order))
			break;
		list_del(blk(buddy), order);
		pa &= ~size;
		order++;
	}
	list_push(pa, order);
}

/* Does [pa, ...) start inside a free block? Only reads heads within r. */
static bool starts_in_free(const struct page_range *r, uint64_t pa,
			   unsigned order)
{
	unsigned k, o;

	for (k = order; k <= PAGE_MAX_ORDER; k++) {
		uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE << k);
		const struct free_block *b = blk(base);

		if (base < r->start)
			break;
		o = (unsigned)b->order;
		if (o <= PAGE_MAX_ORDER && base + (PAGE_SIZE << o) > pa &&
		    is_free_head(base, o))
			return true;
	}
	return false;
}

/* Largest aligned block order at start that fits in avail bytes. */
static unsigned block_order(uint64_t start, uint64_t avail)
{
	unsigned order = (unsigned)__builtin_ctzll(start) - PAGE_SHIFT;

	if (order > PAGE_MAX_ORDER)
		order = PAGE_MAX_ORDER;
	while ((PAGE_SIZE << order) > avail)
		order--;
	return order;
}

void page_add_range(uint64_t pa, uint64_t len)
{
	uint64_t start, end = pa + len < pa ? UINT64_MAX : pa + len;
	const struct page_range *r;
	unsigned long flags;

	if (pa > UINT64_MAX - (PAGE_SIZE - 1))
		return;
	start = MAX(ALIGN_UP(pa, PAGE_SIZE), PAGE_SIZE); /* never page 0 */
	end = ALIGN_DOWN(end, PAGE_SIZE);
	if (start >= end)
		return;

	flags = spin_lock_irqsave(&pg.lock);
	r = range_add(start, end);
	if (!r) {
		pg.st.dropped_ranges++;
	} else {
		pg.st.total_pages += (end - start) >> PAGE_SHIFT;
		pg.st.free_pages += (end - start) >> PAGE_SHIFT;
		while (start < end) {
			unsigned order = block_order(start, end - start);

			free_locked(r, start, order);
			start += PAGE_SIZE << order;
		}
	}
	spin_unlock_irqrestore(&pg.lock, flags);
}

uint64_t page_alloc(unsigned order)
{
	struct free_block *b = NULL;
	unsigned long flags;
	unsigned k;
	uint64_t pa = 0;

	flags = spin_lock_irqsave(&pg.lock);
	for (k = order; k <= PAGE_MAX_ORDER && !b; k++)
		b = list_pop(k);
	if (!b) {
		pg.st.alloc_fails++;
		goto out;
	}
	/* Keep the low half, return upper halves to the lists. */
	pa = blk_pa(b);
	for (k--; k > order; k--)
		list_push(pa + (PAGE_SIZE << (k - 1)), k - 1);
	pg.st.free_pages -= 1ull << order;
out:
	spin_unlock_irqrestore(&pg.lock, flags);
	return pa;
}

uint64_t page_alloc_zeroed(unsigned order)
{
	uint64_t pa = page_alloc(order);

	if (pa)
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE << order);
	return pa;
}

void page_free(uint64_t pa, unsigned order)
{
	const struct page_range *r = NULL;
	unsigned long flags;

	flags = spin_lock_irqsave(&pg.lock);
	if (order <= PAGE_MAX_ORDER && IS_ALIGNED(pa, PAGE_SIZE << order))
		r = find_range(pa);
	if (!r || (PAGE_SIZE << order) > r->end - pa ||
	    starts_in_free(r, pa, order)) {
		pg.st.bad_frees++;
	} else {
		free_locked(r, pa, order);
		pg.st.free_pages += 1ull << order;
	}
	spin_unlock_irqrestore(&pg.lock, flags);
}

void page_get_stats(struct page_stats *st)
{
	unsigned long flags = spin_lock_irqsave(&pg.lock);

	*st = pg.st;
	spin_unlock_irqrestore(&pg.lock, flags);
}

#ifdef HOST_TEST
void page_reset_for_test(void)
{
	memset(&pg, 0, sizeof(pg));
}
#endif
