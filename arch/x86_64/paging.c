/* SPDX-License-Identifier: MIT */
/*
 * Kernel page tables beyond the boot identity map: 4 KiB mappings in the
 * thread-stack window (PML4 slot 1), with TLB shootdown on unmap.
 */
#include "arch.h"
#include "guest/mm/page.h"
#include "guest/mm/pt.h"
#include "guest/percpu.h"
#include "guest/spinlock.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/pcpu.h"
#include "arch/x86_64/smp.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define STACK_AREA_BASE 0x0000008000000000ull /* PML4 slot 1: 512 GiB */
#define STACK_AREA_SIZE 0x0000008000000000ull

extern uint64_t boot_pml4[512];
static struct spinlock pt_lock = SPINLOCK_INIT;
static volatile uint64_t tlb_gen; /* bumped per shootdown, under pt_lock */

uintptr_t arch_stack_area_base(void) { return STACK_AREA_BASE; }
size_t arch_stack_area_size(void) { return STACK_AREA_SIZE; }

static uint64_t table_entry(uint64_t pa) { return pa | PTE_P | PTE_W; }
static bool block_entry(uint64_t e) { return e & PTE_PS; }

static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pa | PTE_P | PTE_NX | (flags & ARCH_MAP_WRITE ? PTE_W : 0) |
	       (flags & ARCH_MAP_NOCACHE ? PTE_PCD : 0);
}

static const struct pt_format format = {
	.base = STACK_AREA_BASE, .size = STACK_AREA_SIZE, .lock = &pt_lock,
	.root = boot_pml4, .valid = PTE_P, .addr = PTE_ADDR,
	.table = table_entry, .block = block_entry, .page = page_entry,
};

int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags)
{
	return pt_map(&format, va, pa, flags);
}

static void tlb_flush_irq(struct arch_regs *r)
{
	tlb_flush_all(); /* every PCID: the window is in all of them */
	/* Release pairs with the acquire loads in arch_unmap_page(). */
	__atomic_store_n(&arch_pcpu(this_cpu())->tlb_gen, tlb_gen,
			 __ATOMIC_RELEASE);
}

static void shootdown(void)
{
	uint64_t gen = ++tlb_gen;

	__atomic_store_n(&arch_pcpu(this_cpu())->tlb_gen, gen,
			 __ATOMIC_RELAXED);
	if (cpu_online_count() < 2)
		return;
	apic_send_others(APIC_DM_FIXED | VEC_TLB);
	for (unsigned i = 0; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		while (c->online && __atomic_load_n(&arch_pcpu(c)->tlb_gen,
						    __ATOMIC_ACQUIRE) < gen)
			arch_cpu_relax();
	}
}

/* Call with IRQs enabled: waiting for other CPUs' acks while they wait for
 * pt_lock would deadlock, so waiters keep IRQs on until they hold it. */
int arch_unmap_page(uintptr_t va)
{
	unsigned long f;
	uint64_t *pte;
	int rc = 0;

	if (!pt_in_window(&format, va))
		return -EINVAL;
	for (;;) {
		f = arch_irq_save();
		if (spin_trylock(&pt_lock))
			break;
		arch_irq_restore(f);
		arch_cpu_relax();
	}
	pte = pt_slot(&format, va, false);
	if (!pte || !(*pte & PTE_P)) {
		rc = -ENOENT;
	} else {
		*pte = 0;
		tlb_flush_all();
		shootdown();
	}
	spin_unlock_irqrestore(&pt_lock, f);
	return rc;
}

bool arch_va_mapped(uintptr_t va) { return pt_mapped(&format, va); }

void paging_init(void)
{
	irq_set_handler(VEC_TLB, tlb_flush_irq);
	/* The window's top-level entry exists before any domain copies the
	 * kernel's (arch_user_format()). */
	unsigned long f = spin_lock_irqsave(&pt_lock);

	pt_slot(&format, STACK_AREA_BASE, true);
	spin_unlock_irqrestore(&pt_lock, f);
}
