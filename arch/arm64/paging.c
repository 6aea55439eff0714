/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables beyond the boot identity map: 4 KiB mappings in the
 * thread-stack window (L0 slot 1), unmapped with broadcast TLB invalidation
 * (TLBI ...IS reaches every CPU: no shootdown IPI).
 */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/spinlock.h"
#include "arch/arm64/cpu.h"

#define PTE_ADDR 0x0000fffffffff000ull
#define PTE_TYPE_MASK 3ull
#define PTE_TYPE_TABLE 3ull /* table (L0-L2) or page (L3) */
#define PTE_PAGE_ATTRS (PTE_VALID | PTE_TABLE | PTE_AF | PTE_SH_INNER | PTE_PXN | PTE_UXN)

#define STACK_AREA_BASE 0x0000008000000000ull /* L0 slot 1: 512 GiB */
#define STACK_AREA_SIZE 0x0000008000000000ull

extern uint64_t boot_l0[512];
static struct spinlock pt_lock = SPINLOCK_INIT;

uintptr_t arch_stack_area_base(void) { return STACK_AREA_BASE; }
size_t arch_stack_area_size(void) { return STACK_AREA_SIZE; }

static uint64_t *table_of(uint64_t entry)
{
	return (uint64_t *)(uintptr_t)(entry & PTE_ADDR);
}

/* The L3 slot for va, creating intermediate tables if create. */
static uint64_t *pte_slot(uintptr_t va, bool create)
{
	uint64_t *t = boot_l0;

	for (int shift = 39; shift > 12; shift -= 9) {
		uint64_t *e = &t[(va >> shift) & 511];

		if (!(*e & PTE_VALID)) {
			uint64_t pa;

			if (!create || !(pa = page_alloc_zeroed(0)))
				return NULL;
			/* The zeroed table is visible to the walker first. */
			dsb(ishst);
			*e = pa | PTE_VALID | PTE_TABLE;
		}
		if ((*e & PTE_TYPE_MASK) != PTE_TYPE_TABLE)
			return NULL; /* inside a block: not ours */
		t = table_of(*e);
	}
	return &t[(va >> 12) & 511];
}

static bool in_window(uintptr_t va)
{
	return va >= STACK_AREA_BASE && va - STACK_AREA_BASE < STACK_AREA_SIZE;
}

int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	if (!in_window(va) || !IS_ALIGNED(va, PAGE_SIZE) ||
	    !IS_ALIGNED(pa, PAGE_SIZE) || (pa & ~PTE_ADDR))
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&pt_lock);
	uint64_t *pte = pte_slot(va, true);
	int rc = 0;

	if (!pte)
		rc = -ENOMEM;
	else if (*pte & PTE_VALID)
		rc = -EEXIST;
	else
		*pte = pa | PTE_PAGE_ATTRS |
		       PTE_ATTR(flags & ARCH_MAP_NOCACHE ? MT_NORMAL_NC : MT_NORMAL) |
		       (flags & ARCH_MAP_WRITE ? 0 : PTE_RDONLY);
	/* An invalid entry is never cached in a TLB: a barrier suffices. */
	dsb(ishst);
	isb();
	spin_unlock_irqrestore(&pt_lock, f);
	return rc;
}

int arch_unmap_page(uintptr_t va)
{
	uint64_t *pte;
	int rc = 0;

	if (!in_window(va))
		return -EINVAL;
	unsigned long f = spin_lock_irqsave(&pt_lock);

	pte = pte_slot(va, false);
	if (!pte || !(*pte & PTE_VALID)) {
		rc = -ENOENT;
	} else {
		*pte = 0;
		dsb(ishst);
		__asm__ volatile("tlbi vaae1is, %0" : : "r"(va >> 12) : "memory");
		dsb(ish);
		isb();
	}
	spin_unlock_irqrestore(&pt_lock, f);
	return rc;
}

bool arch_va_mapped(uintptr_t va)
{
	uint64_t *t = boot_l0;

	if (va >> 48)
		return false;
	for (int shift = 39; shift >= 12; shift -= 9) {
		uint64_t e = t[(va >> shift) & 511];

		if (!(e & PTE_VALID))
			return false;
		if (shift == 12 || (e & PTE_TYPE_MASK) != PTE_TYPE_TABLE)
			return true;
		t = table_of(e);
	}
	return false;
}
