/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables beyond the boot identity map: 4 KiB mappings in the
 * thread-stack window (L0 slot 1), unmapped with broadcast TLB invalidation
 * (TLBI ...IS reaches every CPU: no shootdown IPI).
 */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/pt.h"
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

static uint64_t table_entry(uint64_t pa) { return pa | PTE_VALID | PTE_TABLE; }

static bool block_entry(uint64_t e)
{
	return (e & PTE_TYPE_MASK) != PTE_TYPE_TABLE;
}

static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pa | PTE_PAGE_ATTRS |
	       PTE_ATTR(flags & ARCH_MAP_NOCACHE ? MT_NORMAL_NC : MT_NORMAL) |
	       (flags & ARCH_MAP_WRITE ? 0 : PTE_RDONLY);
}

/* The zeroed table is visible to the walker before it is linked in. */
static void before_link(void) { dsb(ishst); }

/* An invalid entry is never cached in a TLB: a barrier suffices. */
static void after_map(void)
{
	dsb(ishst);
	isb();
}

static const struct pt_format format = {
	.base = STACK_AREA_BASE, .size = STACK_AREA_SIZE, .lock = &pt_lock,
	.root = boot_l0, .valid = PTE_VALID, .addr = PTE_ADDR,
	.table = table_entry, .block = block_entry, .page = page_entry,
	.before_link = before_link, .after_map = after_map,
};

int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	return pt_map(&format, va, pa, flags);
}

/* TLBI ...IS reaches every CPU. */
static void invalidate(uintptr_t va)
{
	dsb(ishst);
	__asm__ volatile("tlbi vaae1is, %0" : : "r"(va >> 12) : "memory");
	dsb(ish);
	isb();
}

int arch_unmap_page(uintptr_t va) { return pt_unmap(&format, va, invalidate); }

bool arch_va_mapped(uintptr_t va) { return pt_mapped(&format, va); }

/* The window's top-level entry exists before any domain copies the
 * kernel's (arch_user_format()). */
void paging_init(void)
{
	unsigned long f = spin_lock_irqsave(&pt_lock);

	pt_slot(&format, STACK_AREA_BASE, true);
	spin_unlock_irqrestore(&pt_lock, f);
}
