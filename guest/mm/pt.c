/* SPDX-License-Identifier: MIT */
/* The shared page-table walk (see pt.h). */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/pt.h"

static uint64_t *table_of(const struct pt_format *f, uint64_t e)
{
	return (uint64_t *)(uintptr_t)((e & f->addr) << f->addr_shift);
}

uint64_t *pt_slot(const struct pt_format *f, uintptr_t va, bool create)
{
	uint64_t *t = f->root;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & f->valid)) {
			uint64_t pa;

			if (!create || !(pa = page_alloc_zeroed(0)))
				return NULL;
			if (f->before_link)
				f->before_link();
			*e = f->table(pa);
		}
		if (f->block(*e))
			return NULL; /* inside a large page: not ours */
		t = table_of(f, *e);
	}
	return &t[(va >> 12) & 511];
}

bool pt_in_window(const struct pt_format *f, uintptr_t va)
{
	return va >= f->base && va - f->base < f->size;
}

int pt_map(const struct pt_format *f, uintptr_t va, uint64_t pa,
	   unsigned flags)
{
	unsigned long irq;
	uint64_t *pte;
	int rc = 0;

	if (!pt_in_window(f, va) || !IS_ALIGNED(va, PAGE_SIZE) ||
	    !IS_ALIGNED(pa, PAGE_SIZE) || ((pa >> f->addr_shift) & ~f->addr))
		return -EINVAL;
	/* IRQs on while waiting: the holder may be an x86 unmap waiting for
	 * this CPU to take its TLB-shootdown IPI. */
	for (;;) {
		irq = arch_irq_save();
		if (spin_trylock(f->lock))
			break;
		arch_irq_restore(irq);
		arch_cpu_relax();
	}
	if (!(pte = pt_slot(f, va, true)))
		rc = -ENOMEM;
	else if (*pte & f->valid)
		rc = -EEXIST;
	else
		*pte = f->page(pa, flags);
	if (f->after_map)
		f->after_map();
	spin_unlock_irqrestore(f->lock, irq);
	return rc;
}

int pt_unmap(const struct pt_format *f, uintptr_t va,
	     void (*invalidate)(uintptr_t va))
{
	unsigned long irq;
	uint64_t *pte;
	int rc = 0;

	if (!pt_in_window(f, va))
		return -EINVAL;
	irq = spin_lock_irqsave(f->lock);
	pte = pt_slot(f, va, false);
	if (!pte || !(*pte & f->valid)) {
		rc = -ENOENT;
	} else {
		*pte = 0;
		invalidate(va);
	}
	spin_unlock_irqrestore(f->lock, irq);
	return rc;
}

bool pt_mapped(const struct pt_format *f, uintptr_t va)
{
	uint64_t *t = f->root;

	if (va >> 47) /* only the lower half is used */
		return false;
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];

		if (!(e & f->valid))
			return false;
		if (shift == 12 || f->block(e))
			return true;
		t = table_of(f, e);
	}
	return false;
}

static unsigned free_level(const struct pt_format *f, uint64_t *t, int shift,
			   void (*leaf)(uint64_t e))
{
	unsigned freed = 0;

	for (unsigned i = 0; i < 512; i++) {
		uint64_t e = t[i];

		if (!(e & f->valid))
			continue;
		if (shift == 12) {
			leaf(e);
			continue;
		}
		freed += free_level(f, table_of(f, e), shift - 9, leaf) + 1;
		page_free((uint64_t)(uintptr_t)table_of(f, e), 0);
	}
	return freed;
}

unsigned pt_destroy(const struct pt_format *f, void (*leaf)(uint64_t e))
{
	unsigned freed = 0;

	for (uintptr_t va = f->base; va - f->base < f->size;
	     va += 1ull << 39) {
		uint64_t *e = &f->root[(va >> 39) & 511];

		if (!(*e & f->valid))
			continue;
		freed += free_level(f, table_of(f, *e), 30, leaf) + 1;
		page_free((uint64_t)(uintptr_t)table_of(f, *e), 0);
		*e = 0;
	}
	return freed;
}
