/* SPDX-License-Identifier: MIT */
/*
 * riscv64 user mode (U-mode) for guest/domain: sstatus.SUM stays 0 (the
 * kernel never reads or writes a user page by accident: it copies through
 * its own mapping of the page, guest/domain/domain.c) and S-mode can never
 * execute a U page; ASIDs where the hart has enough of them (a domain's
 * slot is its ASID in satp, so a domain switch keeps the TLB; the kernel's
 * mappings are global); the user window (root slot 2) and its entries;
 * the address-space switch; system calls (ecall) and faults from U-mode.
 */
#include "arch.h"
#include "guest/domain/domain.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/mm/pt.h"
#include "guest/percpu.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/pcpu.h"

#define PTE_PPN_MASK 0x003ffffffffffc00ull
#define PTE_OWNED (_UL(1) << 8) /* RSW: freed with the domain */

#define USER_AREA_BASE 0x0000010000000000ull /* root slot 2: 512 GiB */
#define USER_AREA_SIZE 0x0000008000000000ull

#define CAUSE_ILLEGAL 2
#define CAUSE_ECALL_U 8
#define CAUSE_IPF 12
#define CAUSE_LPF 13
#define CAUSE_SPF 15

extern uint64_t boot_satp;
uint64_t *paging_kernel_root(void); /* paging.c */
void arch_trap(struct arch_regs *r);
bool clock_counts_instructions(void);
static bool have_asids;
static char describe_buf[48];

uintptr_t arch_user_area_base(void) { return USER_AREA_BASE; }
size_t arch_user_area_size(void) { return USER_AREA_SIZE; }

/* Each hart as it starts (the boot hart from arch_init()). */
void user_cpu_init(void)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());

	if (this_cpu()->id == 0) {
		/* ASIDLEN: the satp ASID bits that stick (at least the
		 * slots' 5; with fewer, every switch flushes). */
		uint64_t probe = boot_satp | SATP_ASID_MASK, got;

		__asm__ volatile("csrw satp, %1\n\tcsrr %0, satp\n\t"
				 "csrw satp, %2\n\tsfence.vma"
				 : "=&r"(got) : "r"(probe), "r"(boot_satp)
				 : "memory");
		have_asids = ((got & SATP_ASID_MASK) >> SATP_ASID_SHIFT) >=
			     DOMAIN_MAX - 1;
		ksnprintf(describe_buf, sizeof(describe_buf), "no-sum %s",
			  have_asids ? "asid" : "no-asid");
	}
	p->satp = boot_satp;
	/* U-mode reads the clocks (time, cycle: the benchmarks' stamps). */
	csr_write(scounteren, 3);
	if (inject_on(INJECT_USER_GUARDS_OFF))
		csr_set(sstatus, SR_SUM); /* broken on purpose */
}

const char *arch_user_describe(void) { return describe_buf; }

/* S-mode never executes a U page: no switch turns that off. */
unsigned arch_user_guards(void)
{
	return ARCH_USER_NX_GUARD | ARCH_USER_RW_GUARD;
}

unsigned arch_user_clock(void) { return clock_counts_instructions(); }

static uint64_t pte_of(uint64_t pa) { return pa >> 12 << PTE_PPN_SHIFT; }
static uint64_t table_entry(uint64_t pa) { return pte_of(pa) | PTE_V; }
static bool block_entry(uint64_t e) { return e & (PTE_R | PTE_W | PTE_X); }

static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pte_of(pa) | PTE_V | PTE_R | PTE_U | PTE_A |
	       (flags & ARCH_MAP_WRITE ? PTE_W | PTE_D : 0) |
	       (flags & ARCH_MAP_EXEC ? PTE_X : 0) |
	       (flags & ARCH_MAP_OWNED ? PTE_OWNED : 0);
}

/* This hart may have cached the slot as invalid: drop that; another hart
 * that did retries once (arch_trap_user()). */
static void after_map(void) { __asm__ volatile("sfence.vma" : : : "memory"); }

void arch_user_format(struct pt_format *f, uint64_t *root,
		      struct spinlock *lock)
{
	uint64_t *k = paging_kernel_root();

	for (unsigned i = 0; i < 512; i++)
		if (i != (USER_AREA_BASE >> 39) % 512)
			root[i] = k[i];
	*f = (struct pt_format){
		.base = USER_AREA_BASE, .size = USER_AREA_SIZE, .lock = lock,
		.root = root, .valid = PTE_V, .addr = PTE_PPN_MASK,
		.addr_shift = 12 - PTE_PPN_SHIFT, .table = table_entry,
		.block = block_entry, .page = page_entry, .after_map = after_map,
	};
}

uint64_t arch_user_pte_pa(uint64_t e)
{
	return (e & PTE_PPN_MASK) >> PTE_PPN_SHIFT << 12;
}
bool arch_user_pte_owned(uint64_t e) { return e & PTE_OWNED; }

bool arch_user_pte_allows(uint64_t e, bool write)
{
	return (e & (PTE_V | PTE_U | PTE_R)) == (PTE_V | PTE_U | PTE_R) &&
	       (!write || e & PTE_W);
}

void arch_user_switch(uint64_t *root, unsigned asid, void *kstack_top)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());
	uint64_t satp = SATP_SV48 | (uintptr_t)root >> 12 |
			(have_asids ? (uint64_t)asid << SATP_ASID_SHIFT : 0);

	p->kstack_top = (uintptr_t)kstack_top;
	if (p->satp == satp)
		return;
	p->satp = satp;
	if (have_asids)
		__asm__ volatile("csrw satp, %0" : : "r"(satp) : "memory");
	else
		__asm__ volatile("csrw satp, %0\n\tsfence.vma"
				 : : "r"(satp) : "memory");
}

void arch_user_forget(uint64_t *root, unsigned asid)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());

	if ((p->satp << 20 >> 8) == (uintptr_t)root) { /* its PPN */
		p->satp = boot_satp;
		__asm__ volatile("csrw satp, %0" : : "r"(boot_satp) : "memory");
	}
	if (have_asids)
		__asm__ volatile("sfence.vma zero, %0" : : "r"((uint64_t)asid)
				 : "memory");
	else /* its entries were tagged ASID 0 */
		__asm__ volatile("sfence.vma" : : : "memory");
}

/* The last address stale() let retry, per hart. */
static uintptr_t retried[MAX_CPUS];

/* A page fault on a page the domain has, with the access it allows: a
 * translation this hart cached as invalid before another mapped it.
 * Retried once: the same address again is a real fault. */
static bool stale(uint64_t code, uintptr_t va)
{
	uint64_t e = domain_current_pte(va);
	uint64_t need = code == CAUSE_IPF ? PTE_X
			: code == CAUSE_SPF ? PTE_W : PTE_R;
	uintptr_t *last = &retried[this_cpu()->id];

	if ((e & (PTE_V | PTE_U | need)) != (PTE_V | PTE_U | need) ||
	    *last == va) {
		*last = 0;
		return false;
	}
	*last = va;
	__asm__ volatile("sfence.vma %0" : : "r"(va) : "memory");
	return true;
}

/* A trap from U-mode (entry.S): interrupts, system calls, and faults,
 * which kill the thread. Returns with IRQs off. */
void arch_trap_user(struct arch_regs *r)
{
	uint64_t code = r->scause;
	const char *access = "instruction";
	uintptr_t addr = r->sepc;

	if (code & CAUSE_IRQ) {
		arch_trap(r);
		return;
	}
	if (code == CAUSE_ECALL_U) {
		r->sepc += 4;
		r->x[10] = (uint64_t)kernel_syscall(r->x[17], r->x[10], r->x[11],
						    r->x[12], r->x[13]);
		return;
	}
	if (code == CAUSE_IPF || code == CAUSE_LPF || code == CAUSE_SPF) {
		if (stale(code, r->stval))
			return;
		addr = r->stval;
		access = code == CAUSE_IPF ? "execute"
			 : code == CAUSE_SPF ? "write" : "read";
	} else if (code == CAUSE_ILLEGAL) {
		access = "privileged or illegal instruction";
	}
	arch_dump_regs(r);
	kernel_user_fault((unsigned)code, addr, access, r->sepc);
}
