/* SPDX-License-Identifier: MIT */
/*
 * Sv48 page tables: the boot identity map (1 GiB pages over the first
 * 16 GiB: QEMU virt's devices below 2 GiB, RAM from 2 GiB; physical
 * memory attributes, not the tables, tell devices from memory) and 4 KiB
 * mappings in the thread-stack window (root slot 1, as on arm64). An unmap
 * reaches the other harts through the SBI RFENCE extension: RISC-V has no
 * broadcast TLB invalidation.
 */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/pt.h"
#include "guest/percpu.h"
#include "guest/spinlock.h"
#include "arch/riscv64/cpu.h"

#define PTE_PPN_MASK 0x003ffffffffffc00ull
#define PTE_LEAF (PTE_R | PTE_W | PTE_X)
#define BOOT_GIB 16

#define STACK_AREA_BASE 0x0000008000000000ull /* root slot 1: 512 GiB */
#define STACK_AREA_SIZE 0x0000008000000000ull

static uint64_t boot_root[512] __aligned(4096);
static uint64_t boot_l1[512] __aligned(4096);
uint64_t boot_satp; /* head.S: the secondary harts' satp */
static struct spinlock pt_lock = SPINLOCK_INIT;

uintptr_t arch_stack_area_base(void) { return STACK_AREA_BASE; }
size_t arch_stack_area_size(void) { return STACK_AREA_SIZE; }

static uint64_t pte_of(uint64_t pa) { return pa >> 12 << PTE_PPN_SHIFT; }
static uint64_t table_entry(uint64_t pa) { return pte_of(pa) | PTE_V; }
static bool block_entry(uint64_t e) { return e & PTE_LEAF; }

/* Global, accessed and dirty set up front: hardware that would otherwise
 * fault to have them set never has to. No execute: these are stacks. */
static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pte_of(pa) | PTE_V | PTE_R | PTE_G | PTE_A |
	       (flags & ARCH_MAP_WRITE ? PTE_W | PTE_D : 0);
}

/* This hart may have cached the slot as invalid: drop that. Another hart
 * that did faults on it once (paging_drop_stale()). */
static void after_map(void) { __asm__ volatile("sfence.vma" : : : "memory"); }

static const struct pt_format format = {
	.base = STACK_AREA_BASE, .size = STACK_AREA_SIZE, .lock = &pt_lock,
	.root = boot_root, .valid = PTE_V, .addr = PTE_PPN_MASK,
	.addr_shift = 12 - PTE_PPN_SHIFT, .table = table_entry,
	.block = block_entry, .page = page_entry, .after_map = after_map,
};

/* The kernel's root table: its entries go into every domain's. */
uint64_t *paging_kernel_root(void) { return boot_root; }

/* Boot hart, first thing in C: identity map and paging on. */
void paging_boot(void)
{
	for (uint64_t i = 0; i < BOOT_GIB; i++)
		boot_l1[i] = pte_of(i << 30) | PTE_V | PTE_LEAF | PTE_G | PTE_A | PTE_D;
	boot_root[0] = table_entry((uintptr_t)boot_l1);
	boot_satp = SATP_SV48 | (uintptr_t)boot_root >> 12;
	__asm__ volatile("sfence.vma\n\tcsrw satp, %0\n\tsfence.vma"
			 : : "r"(boot_satp) : "memory");
}

int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	return pt_map(&format, va, pa, flags);
}

/* This hart's entry, then every other hart's through the firmware. */
static void invalidate(uintptr_t va)
{
	__asm__ volatile("fence rw, rw\n\tsfence.vma %0" : : "r"(va) : "memory");
	if (cpu_online_count() > 1) /* every hart: mask 0, base -1 */
		sbi_call(LEDGER_HYPERCALL, SBI_EXT_RFENCE, 1, 0, -1ul, va, PAGE_SIZE);
}

int arch_unmap_page(uintptr_t va) { return pt_unmap(&format, va, invalidate); }

bool arch_va_mapped(uintptr_t va) { return pt_mapped(&format, va); }

/* A page fault at va in the window, where va is mapped: this hart walked
 * before it saw the entry (RISC-V lets a hart keep an invalid entry until
 * its own sfence.vma, and arch_map_page() fences only the hart that maps).
 * Drop it here; true if the access is worth retrying. The window is the
 * one place mapped after boot. */
bool paging_drop_stale(uintptr_t va)
{
	if (!pt_in_window(&format, va) || !pt_mapped(&format, va))
		return false;
	__asm__ volatile("sfence.vma %0" : : "r"(va) : "memory");
	return true;
}
