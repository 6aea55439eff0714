/* SPDX-License-Identifier: MIT */
/*
 * Protected thread stacks: mapped page by page in the arch stack window
 * with an unmapped guard page below each, a canary at the lowest word, and
 * a pool that recycles freed stacks (still mapped) by page count.
 */
#ifndef GUEST_SCHED_STACK_H
#define GUEST_SCHED_STACK_H

#include "arch.h"
#include "types.h"

#define STACK_MAX_PAGES 64 /* THREAD_STACK_MAX / PAGE_SIZE */

/* One word: the lowest usable address (page aligned; its guard page just
 * below) plus the number of usable pages; 0 = no stack (idle, boot). */
struct stack {
	uintptr_t word;
};
_Static_assert(STACK_MAX_PAGES < PAGE_SIZE, "npages fits below a page");

static inline uintptr_t stack_base(const struct stack *s)
{
	return s->word & ~(uintptr_t)(PAGE_SIZE - 1);
}
static inline unsigned stack_npages(const struct stack *s)
{
	return (unsigned)(s->word & (PAGE_SIZE - 1));
}

struct stack_stats {
	uint64_t mapped_pages;  /* pages mapped for stacks (live + pooled) */
	uint64_t live;          /* stacks in use */
	uint64_t pooled;        /* stacks waiting in the pool */
	uint64_t reused;        /* allocations served from the pool */
	uint64_t va_used;       /* bytes of the stack window handed out */
};

/* Allocate a stack of npages (1..STACK_MAX_PAGES). 0, -EINVAL, -ENOMEM.
 * Thread context or IRQs off; takes the pool lock. */
int stack_alloc(struct stack *s, unsigned npages);
void stack_free(struct stack *s);
static inline void *stack_top(const struct stack *s)
{
	return (void *)(stack_base(s) + (uintptr_t)stack_npages(s) * PAGE_SIZE);
}
/*
 * Where a thread's stack starts: its top less a random offset, in 16-byte
 * steps over an eighth of the stack and at most 4 KiB (a 4 KiB stack keeps
 * 7/8 of itself), chosen by key (the thread's id) under the boot's seed
 * (guest/lib/random.h), so seed=N repeats a layout. stack_random=off
 * starts every stack at its top.
 */
void stack_random_init(void);               /* boot CPU: reads the option */
void *stack_start(const struct stack *s, uint64_t key);
unsigned stack_random_bits(unsigned npages); /* entropy; 0 when off */
/* Canary at the lowest word: written at alloc, checked on switch-out. */
void stack_canary_set(const struct stack *s);
#define STACK_CANARY 0x5ca1ab1ed00dfeedull
/* The canary at the lowest word is intact (checked at every switch-out). */
static inline bool stack_canary_ok(const struct stack *s)
{
	uintptr_t base = stack_base(s);

	return !s->word || *(volatile uint64_t *)base == (STACK_CANARY ^ base);
}
/* An address no stack ever maps, for tests that need a fault: the
 * window's first page, the guard page below its first slot. */
static inline uintptr_t stack_never_mapped(void)
{
	return arch_stack_area_base();
}
/* addr lies in the guard page below s. */
bool stack_guard_hit(const struct stack *s, uintptr_t addr);
void stack_get_stats(struct stack_stats *st);

#endif
