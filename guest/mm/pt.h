/* SPDX-License-Identifier: MIT */
/*
 * The 4-level, 4 KiB-granule page-table walk that x86-64 and arm64 share
 * for the thread-stack window (arch/<arch>/paging.c): the arch gives its
 * root, its entry formats and its lock, pt.c walks, creates tables, maps
 * and (for arches that need no IPI for it) unmaps; TLB invalidation and
 * the window itself stay with the arch. Every arch
 * (riscv64 in Sv48) indexes levels by va bits 47..39, 38..30, 29..21,
 * 20..12.
 */
#ifndef GUEST_MM_PT_H
#define GUEST_MM_PT_H

#include "types.h"
#include "guest/spinlock.h"

struct pt_format {
	uintptr_t base, size;   /* the window pt_map() maps in */
	struct spinlock *lock;  /* the arch's page-table lock */
	uint64_t *root;         /* the top-level table (PML4, L0) */
	uint64_t valid;         /* the present / valid bit */
	uint64_t addr;          /* mask of the next table's or page's address */
	unsigned addr_shift;    /* entry & addr, shifted left by it, is the
				 * address (riscv64: 2, the PPN at bit 10) */
	/* An entry pointing at a new (zeroed) table at pa. */
	uint64_t (*table)(uint64_t pa);
	/* Whether a valid upper-level entry maps a block (not a table). */
	bool (*block)(uint64_t e);
	/* A last-level entry for pa, with ARCH_MAP_* flags. */
	uint64_t (*page)(uint64_t pa, unsigned flags);
	/* Before a new table is linked in (arm64: the walker must see it
	 * zeroed); may be NULL. */
	void (*before_link)(void);
	/* After a mapping, lock held (arm64: its barriers); may be NULL. */
	void (*after_map)(void);
};

bool pt_in_window(const struct pt_format *f, uintptr_t va);

/* The last-level slot for va, creating intermediate tables when create
 * (page_alloc_zeroed); NULL if out of memory, or va lies in a block. */
uint64_t *pt_slot(const struct pt_format *f, uintptr_t va, bool create);
/* Map va -> pa (4 KiB, both aligned, va in the window, pa within
 * f->addr) in an empty slot, under f->lock with IRQs off (waiting for it
 * with IRQs on): 0, -EINVAL,
 * -ENOMEM (no memory for a table, or va inside a block), -EEXIST. */
int pt_map(const struct pt_format *f, uintptr_t va, uint64_t pa,
	   unsigned flags);
/* Unmap va (in the window): clear its entry and call invalidate(va), both
 * under f->lock with IRQs off (for arches whose TLB invalidation reaches
 * every CPU without an IPI to wait for). 0, -EINVAL, or -ENOENT if va was
 * not mapped. */
int pt_unmap(const struct pt_format *f, uintptr_t va,
	     void (*invalidate)(uintptr_t va));
/* Tear down the window (whole top-level slots, no blocks): leaf(e) for
 * each valid last-level entry, every table below the root freed, the
 * root's window entries cleared. No lock: nobody may use the tables (no
 * CPU has them loaded). Returns the tables freed. */
unsigned pt_destroy(const struct pt_format *f, void (*leaf)(uint64_t e));
/* Whether va is mapped by a page or a block (lower half only). */
bool pt_mapped(const struct pt_format *f, uintptr_t va);

#endif
