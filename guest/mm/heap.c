/* SPDX-License-Identifier: MIT */
/*
 * kmalloc()/kfree(): per-size-class free lists carved from page_alloc()
 * slabs, page blocks for large requests. Every object has a 16-byte header
 * with an address-keyed tag, which catches most bad and double frees.
 */
#include <string.h>

#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/spinlock.h"

#define SLAB_ORDER 2 /* 16 KiB of pages carved into one class */
#define KIND_LARGE 0x100u /* header kind of a large block: + order */

/* Precedes every object. */
struct heap_hdr {
	/* hdr_tag(h, LIVE_MAGIC, kind) or hdr_tag(h, FREE_MAGIC, class) */
	uint64_t tag;
	/* live: kind (class index or KIND_LARGE + order);
	 * free: next free header of the class, or 0 */
	uint64_t info;
};
_Static_assert(sizeof(struct heap_hdr) == HEAP_ALIGN, "header keeps alignment");

struct heap_class {
	struct spinlock lock; /* guards the fields below, IRQs saved */
	struct heap_hdr *free; /* free objects, linked through info */
	uintptr_t cur; /* next uncarved byte of the current slab */
	uintptr_t end; /* end of the current slab */
};

static struct {
	struct heap_class cls[HEAP_NCLASSES];
	struct heap_stats st; /* updated with relaxed atomics */
} heap;

#define LIVE_MAGIC 0x686561706c697665ull /* "heaplive" */
#define FREE_MAGIC 0x6865617066726565ull /* "heapfree" */

static uint64_t hdr_tag(const struct heap_hdr *h, uint64_t magic, uint64_t kind)
{
	return (magic ^ (uintptr_t)h) * 0x9e3779b97f4a7c15ull + kind;
}

static void stat_add(uint64_t *v, int64_t d)
{
	__atomic_fetch_add(v, (uint64_t)d, __ATOMIC_RELAXED);
}

static size_t class_size(unsigned i)
{
	return (size_t)HEAP_MIN_CLASS << i;
}

/* Smallest class holding n bytes (n <= HEAP_MAX_CLASS). */
static unsigned class_of(size_t n)
{
	if (n <= HEAP_MIN_CLASS)
		return 0;
	return (unsigned)(64 - __builtin_clzll((uint64_t)n - 1)) - 4;
}

/* Next object of a class from the current slab, or a new slab. Locked. */
static struct heap_hdr *carve(struct heap_class *c, unsigned i)
{
	size_t size = sizeof(struct heap_hdr) + class_size(i);
	struct heap_hdr *h;

	if (c->end - c->cur < size) {
		uint64_t pa = page_alloc(SLAB_ORDER);

		if (!pa)
			return NULL;
		c->cur = (uintptr_t)pa;
		c->end = c->cur + (PAGE_SIZE << SLAB_ORDER);
		stat_add(&heap.st.slab_bytes, PAGE_SIZE << SLAB_ORDER);
	}
	h = (struct heap_hdr *)c->cur;
	c->cur += size;
	return h;
}

static void *class_alloc(unsigned i)
{
	struct heap_class *c = &heap.cls[i];
	struct heap_hdr *h;
	unsigned long flags = spin_lock_irqsave(&c->lock);

	h = c->free;
	if (h && h->tag != hdr_tag(h, FREE_MAGIC, i)) {
		/* Overwritten: drop the rest of the list rather than trust
		 * its links. */
		stat_add(&heap.st.corrupt, 1);
		c->free = NULL;
		h = NULL;
	}
	if (h)
		c->free = (struct heap_hdr *)(uintptr_t)h->info;
	else
		h = carve(c, i);
	if (h) {
		h->info = i;
		h->tag = hdr_tag(h, LIVE_MAGIC, i);
		stat_add(&heap.st.class_live[i], 1);
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return h ? h + 1 : NULL;
}

static void *large_alloc(size_t n)
{
	struct heap_hdr *h;
	unsigned order;
	uint64_t pa;

	if (n > (PAGE_SIZE << PAGE_MAX_ORDER) - sizeof(*h))
		return NULL;
	order = page_order_for(n + sizeof(*h));
	pa = page_alloc(order);
	if (!pa)
		return NULL;
	h = (struct heap_hdr *)(uintptr_t)pa;
	h->info = KIND_LARGE + order;
	h->tag = hdr_tag(h, LIVE_MAGIC, h->info);
	stat_add(&heap.st.large_live, 1);
	return h + 1;
}

void *kmalloc(size_t n)
{
	void *p = n <= HEAP_MAX_CLASS ? class_alloc(class_of(n)) :
					large_alloc(n);

	stat_add(p ? &heap.st.allocs : &heap.st.failed, 1);
	return p;
}

void *kzalloc(size_t n)
{
	void *p = kmalloc(n);

	if (p)
		memset(p, 0, n);
	return p;
}

void *kcalloc(size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		stat_add(&heap.st.failed, 1);
		return NULL;
	}
	return kzalloc(total);
}

/* Count a refused free; a free-tagged header means a double free. */
static void bad_free(const struct heap_hdr *h)
{
	unsigned i;

	stat_add(&heap.st.bad_frees, 1);
	for (i = 0; h && i < HEAP_NCLASSES; i++) {
		if (h->tag == hdr_tag(h, FREE_MAGIC, i)) {
			stat_add(&heap.st.double_frees, 1);
			break;
		}
	}
}

static void class_free(struct heap_hdr *h, unsigned i)
{
	struct heap_class *c = &heap.cls[i];
	unsigned long flags = spin_lock_irqsave(&c->lock);

	/* Checked under the lock: two racing frees cannot both pass. */
	if (h->tag != hdr_tag(h, LIVE_MAGIC, i) || h->info != i) {
		spin_unlock_irqrestore(&c->lock, flags);
		bad_free(h);
		return;
	}
	h->tag = hdr_tag(h, FREE_MAGIC, i);
	h->info = (uintptr_t)c->free;
	c->free = h;
	stat_add(&heap.st.class_live[i], -1);
	spin_unlock_irqrestore(&c->lock, flags);
	stat_add(&heap.st.frees, 1);
}

static void large_free(struct heap_hdr *h, uint64_t kind)
{
	uint64_t live = hdr_tag(h, LIVE_MAGIC, kind);

	/* Claim the block atomically so a racing double free loses. */
	if (!IS_ALIGNED((uintptr_t)h, PAGE_SIZE) ||
	    !__atomic_compare_exchange_n(&h->tag, &live, 0, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		bad_free(NULL);
		return;
	}
	page_free((uintptr_t)h, (unsigned)(kind - KIND_LARGE));
	stat_add(&heap.st.large_live, -1);
	stat_add(&heap.st.frees, 1);
}

void kfree(void *p)
{
	struct heap_hdr *h;
	uint64_t kind;

	if (!p)
		return;
	if (!IS_ALIGNED((uintptr_t)p, HEAP_ALIGN)) {
		bad_free(NULL);
		return;
	}
	h = (struct heap_hdr *)p - 1;
	kind = READ_ONCE(h->info);
	if (kind < HEAP_NCLASSES)
		class_free(h, (unsigned)kind);
	else if (kind >= KIND_LARGE && kind <= KIND_LARGE + PAGE_MAX_ORDER)
		large_free(h, kind);
	else
		bad_free(h);
}

size_t kmalloc_usable_size(const void *p)
{
	const struct heap_hdr *h;
	uint64_t kind;

	if (!p || !IS_ALIGNED((uintptr_t)p, HEAP_ALIGN))
		return 0;
	h = (const struct heap_hdr *)p - 1;
	kind = READ_ONCE(h->info);
	if (READ_ONCE(h->tag) != hdr_tag(h, LIVE_MAGIC, kind))
		return 0;
	if (kind < HEAP_NCLASSES)
		return class_size((unsigned)kind);
	if (kind >= KIND_LARGE && kind <= KIND_LARGE + PAGE_MAX_ORDER)
		return (PAGE_SIZE << (kind - KIND_LARGE)) - sizeof(*h);
	return 0;
}

void heap_get_stats(struct heap_stats *st)
{
	const uint64_t *src = (const uint64_t *)&heap.st;
	uint64_t *dst = (uint64_t *)st;
	size_t i;

	_Static_assert(sizeof(*st) % sizeof(uint64_t) == 0, "all counters");
	for (i = 0; i < sizeof(*st) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

#ifdef HOST_TEST
void heap_reset_for_test(void)
{
	memset(&heap, 0, sizeof(heap));
}
#endif
