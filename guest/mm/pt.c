/* SPDX-License-Identifier: MIT */
/* The shared page-table walk (see pt.h). */
#include "guest/mm/page.h"
#include "guest/mm/pt.h"

static uint64_t *table_of(const struct pt_format *f, uint64_t e)
{
	return (uint64_t *)(uintptr_t)(e & f->addr);
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

int pt_map(const struct pt_format *f, uintptr_t va, uint64_t pa,
	   unsigned flags)
{
	uint64_t *pte;

	if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    (pa & ~f->addr))
		return -EINVAL;
	if (!(pte = pt_slot(f, va, true)))
		return -ENOMEM;
	if (*pte & f->valid)
		return -EEXIST;
	*pte = f->page(pa, flags);
	return 0;
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
