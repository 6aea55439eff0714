/* SPDX-License-Identifier: MIT */
/*
 * Thread stacks in the arch stack window. Each slot is one unmapped guard
 * page followed by npages pages mapped from page_alloc(0) frames. Freed
 * stacks stay mapped on a per-size free list (the pool); the list link is
 * stored in the stack's top word, which a new thread overwrites anyway.
 */
#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/random.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/sched/stack.h"
#include "guest/spinlock.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("stack_random", true, "start each thread's stack a random "
		"16-byte step below its top (seed=)"));

static struct spinlock stack_lock = SPINLOCK_INIT;
static uintptr_t pool[STACK_MAX_PAGES + 1]; /* stack_lock: free base addrs */
static uintptr_t va_next;                   /* stack_lock: bump pointer */
static struct stack_stats stats;            /* stack_lock */

static uintptr_t *link_of(uintptr_t base, unsigned npages)
{
	return (uintptr_t *)(base + (uintptr_t)npages * PAGE_SIZE) - 1;
}

/* Carve a slot of npages + 1 guard page from the window (stack_lock). */
static uintptr_t va_carve(unsigned npages)
{
	uintptr_t start = arch_stack_area_base();
	size_t need = (size_t)(npages + 1) * PAGE_SIZE;

	if (!va_next)
		va_next = start;
	if (va_next - start + need > arch_stack_area_size())
		return 0;
	va_next += need;
	stats.va_used += need;
	return va_next - (uintptr_t)npages * PAGE_SIZE; /* above the guard */
}

/* Map npages fresh frames at base; on failure nothing stays mapped except
 * what arch_unmap_page() could not undo. */
static int map_pages(uintptr_t base, unsigned npages)
{
	unsigned i;

	for (i = 0; i < npages; i++) {
		uint64_t pa = page_alloc(0);
		int rc = pa ? arch_map_page(base + i * PAGE_SIZE, pa,
					    ARCH_MAP_WRITE)
			    : -ENOMEM;

		if (rc) {
			if (pa)
				page_free(pa, 0);
			return rc == -EEXIST ? -ENOMEM : rc;
		}
	}
	return 0;
}

int stack_alloc(struct stack *s, unsigned npages)
{
	unsigned long f;
	uintptr_t base;
	bool pooled;
	int rc;

	if (npages == 0 || npages > STACK_MAX_PAGES)
		return -EINVAL;
	f = spin_lock_irqsave(&stack_lock);
	base = pool[npages];
	pooled = base != 0;
	if (pooled) { /* pooled stacks stay mapped */
		pool[npages] = *link_of(base, npages);
		stats.pooled--;
		stats.reused++;
		stats.live++;
	} else {
		base = va_carve(npages);
	}
	spin_unlock_irqrestore(&stack_lock, f);
	if (!base)
		return -ENOMEM;
	if (!pooled) {
		/* A fresh slot; a partial failure leaks only window space,
		 * the mapped part stays usable by nobody (rare: OOM). */
		bool fresh = !arch_va_mapped(base);

		if (fresh && (rc = map_pages(base, npages)))
			return rc;
		f = spin_lock_irqsave(&stack_lock);
		if (fresh)
			stats.mapped_pages += npages;
		stats.live++;
		spin_unlock_irqrestore(&stack_lock, f);
	}
	s->word = base | npages;
	stack_canary_set(s);
	return 0;
}

void stack_free(struct stack *s)
{
	uintptr_t base = stack_base(s);
	unsigned npages = stack_npages(s);
	unsigned long f;

	if (!npages)
		return;
	f = spin_lock_irqsave(&stack_lock);
	*link_of(base, npages) = pool[npages];
	pool[npages] = base;
	stats.pooled++;
	stats.live--;
	spin_unlock_irqrestore(&stack_lock, f);
	s->word = 0;
}

static bool random_on;

void stack_random_init(void)
{
	random_on = option_bool("stack_random");
}

/* log2 of the offsets a stack of npages may start at: 16-byte steps over
 * an eighth of it (rounded down to a power of two), at most 4 KiB. */
static unsigned random_bits(unsigned npages)
{
	uint64_t steps = MIN((uint64_t)npages * PAGE_SIZE / 8, 4096) / 16;

	return 63 - (unsigned)__builtin_clzll(steps);
}

void *stack_start(const struct stack *s, uint64_t key)
{
	uintptr_t off = 0;

	if (random_on && s->word && !inject_on(INJECT_STACK_FIXED))
		off = (random_for(key) &
		       ((1ull << random_bits(stack_npages(s))) - 1))
		      << 4;
	return (char *)stack_top(s) - off;
}

unsigned stack_random_bits(unsigned npages)
{
	return random_on ? random_bits(npages) : 0;
}

void stack_canary_set(const struct stack *s)
{
	uintptr_t base = stack_base(s);

	*(volatile uint64_t *)base = STACK_CANARY ^ base;
}

bool stack_guard_hit(const struct stack *s, uintptr_t addr)
{
	uintptr_t base = stack_base(s);

	return s->word && addr < base && addr >= base - PAGE_SIZE;
}

void stack_get_stats(struct stack_stats *st)
{
	unsigned long f = spin_lock_irqsave(&stack_lock);

	*st = stats;
	spin_unlock_irqrestore(&stack_lock, f);
}
