/* SPDX-License-Identifier: MIT */
/*
 * arm64 user mode (EL0) for guest/domain: PAN where the CPU has it (the
 * kernel never reads or writes a user page by accident: it copies through
 * its own mapping of the page, guest/domain/domain.c), PXN on every user
 * page (it never runs one), ASIDs (a domain's slot is its ASID in TTBR0,
 * so a domain switch keeps the TLB; the kernel's mappings are global),
 * the user window (L0 slot 2) and its descriptors, the address-space
 * switch, and system calls and faults from EL0.
 */
#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/mm/pt.h"
#include "guest/percpu.h"
#include "arch/arm64/asm.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/pcpu.h"

#define PTE_ADDR 0x0000fffffffff000ull
#define PTE_USER (_UL(1) << 6)    /* AP[1]: EL0 access */
#define PTE_NG (_UL(1) << 11)     /* not global: tagged with the ASID */
#define PTE_OWNED (_UL(1) << 55)  /* software: freed with the domain */
#define PTE_PXNTABLE (_UL(1) << 59)

#define USER_AREA_BASE 0x0000010000000000ull /* L0 slot 2: 512 GiB */
#define USER_AREA_SIZE 0x0000008000000000ull

#define SCTLR_SPAN (_UL(1) << 23)

#define EC_UNKNOWN 0x00
#define EC_SVC64 0x15
#define EC_SYSREG 0x18
#define EC_IABT_LOW 0x20
#define EC_DABT_LOW 0x24

extern uint64_t boot_l0[512];
static bool have_pan;
static char describe_buf[32];

uintptr_t arch_user_area_base(void) { return USER_AREA_BASE; }
size_t arch_user_area_size(void) { return USER_AREA_SIZE; }

/* Each CPU, from its set-up (IRQs off). */
void user_cpu_init(void)
{
	if (this_cpu()->id == 0) {
		have_pan = (read_sysreg(id_aa64mmfr1_el1) >> 20 & 0xf) != 0;
		ksnprintf(describe_buf, sizeof(describe_buf), "%s pxn asid",
			  have_pan ? "pan" : "no-pan");
	}
	/* EL0VCTEN: user mode reads CNTVCT (the benchmarks' clock). */
	write_sysreg(read_sysreg(cntkctl_el1) | 2, cntkctl_el1);
	if (have_pan && !inject_on(INJECT_USER_GUARDS_OFF)) {
		/* SPAN 0: every exception taken to EL1 sets PSTATE.PAN. */
		write_sysreg(read_sysreg(sctlr_el1) & ~SCTLR_SPAN, sctlr_el1);
		__asm__ volatile(".inst 0xd500419f" ::: "memory"); /* msr pan, #1 */
		isb();
	}
}

const char *arch_user_describe(void) { return describe_buf; }
unsigned arch_user_clock(void) { return 0; }

unsigned arch_user_guards(void)
{
	return ARCH_USER_NX_GUARD | (have_pan ? ARCH_USER_RW_GUARD : 0);
}

static uint64_t table_entry(uint64_t pa)
{
	/* Nothing under a user table runs at EL1. */
	return pa | PTE_VALID | PTE_TABLE |
	       (inject_on(INJECT_USER_GUARDS_OFF) ? 0 : PTE_PXNTABLE);
}

static bool block_entry(uint64_t e) { return (e & 3) != 3; }

static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pa | PTE_VALID | PTE_TABLE | PTE_AF | PTE_SH_INNER |
	       PTE_ATTR(MT_NORMAL) | PTE_USER | PTE_NG |
	       (inject_on(INJECT_USER_GUARDS_OFF) ? 0 : PTE_PXN) |
	       (flags & ARCH_MAP_WRITE ? 0 : PTE_RDONLY) |
	       (flags & ARCH_MAP_EXEC ? 0 : PTE_UXN) |
	       (flags & ARCH_MAP_OWNED ? PTE_OWNED : 0);
}

static void before_link(void) { dsb(ishst); }

static void after_map(void)
{
	dsb(ishst);
	isb();
}

void arch_user_format(struct pt_format *f, uint64_t *root,
		      struct spinlock *lock)
{
	/* The kernel's entries (identity map, stack window): the same
	 * tables, EL1 only and global. */
	for (unsigned i = 0; i < 512; i++)
		if (i != (USER_AREA_BASE >> 39) % 512)
			root[i] = boot_l0[i];
	dsb(ishst);
	*f = (struct pt_format){
		.base = USER_AREA_BASE, .size = USER_AREA_SIZE, .lock = lock,
		.root = root, .valid = PTE_VALID, .addr = PTE_ADDR,
		.table = table_entry, .block = block_entry, .page = page_entry,
		.before_link = before_link, .after_map = after_map,
	};
}

uint64_t arch_user_pte_pa(uint64_t e) { return e & PTE_ADDR; }
bool arch_user_pte_owned(uint64_t e) { return e & PTE_OWNED; }

bool arch_user_pte_allows(uint64_t e, bool write)
{
	return (e & (PTE_VALID | PTE_USER)) == (PTE_VALID | PTE_USER) &&
	       (!write || !(e & PTE_RDONLY));
}

void arch_user_switch(uint64_t *root, unsigned asid, void *kstack_top)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());
	uint64_t ttbr = (uintptr_t)root | (uint64_t)asid << 48;

	(void)kstack_top; /* EL0's traps land where arch_user_enter left sp */
	if (p->ttbr0 != ttbr) {
		write_sysreg(ttbr, ttbr0_el1);
		isb();
		p->ttbr0 = ttbr;
	}
}

void arch_user_forget(uint64_t *root, unsigned asid)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());

	if ((p->ttbr0 & PTE_ADDR) == (uintptr_t)root) {
		p->ttbr0 = (uintptr_t)boot_l0;
		write_sysreg(p->ttbr0, ttbr0_el1);
		isb();
	}
	dsb(ishst);
	__asm__ volatile("tlbi aside1is, %0" : : "r"((uint64_t)asid << 48)
			 : "memory");
	dsb(ish);
	isb();
}

/* Synchronous exceptions from EL0 (entry.S): system calls, and faults,
 * which kill the thread. */
void arch_trap_el0_sync(struct arch_regs *r)
{
	unsigned ec = r->esr >> 26;
	const char *access = "instruction";
	uintptr_t addr = r->elr;

	if (ec == EC_SVC64) {
		r->x[0] = (uint64_t)kernel_syscall(r->x[8], r->x[0], r->x[1],
						   r->x[2], r->x[3]);
		return;
	}
	if (ec == EC_DABT_LOW) {
		addr = r->far;
		access = r->esr & (1u << 6) ? "write" : "read";
	} else if (ec == EC_IABT_LOW) {
		addr = r->far;
		access = "execute";
	} else if (ec == EC_SYSREG || ec == EC_UNKNOWN) {
		access = ec == EC_SYSREG ? "privileged instruction"
					 : "undefined instruction";
	}
	arch_dump_regs(r);
	kernel_user_fault(ec, addr, access, r->elr);
}
