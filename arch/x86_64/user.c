/* SPDX-License-Identifier: MIT */
/*
 * x86-64 user mode for guest/domain: the syscall MSRs, SMEP and SMAP
 * (the kernel never runs, reads or writes a user page: it copies through
 * its own mapping of the page, guest/domain/domain.c), PCIDs (a domain's
 * slot is its PCID, so a domain switch keeps the TLB), the user window
 * (PML4 slot 2) and its page-table entries, the address-space switch, and
 * the report of a fault in user mode.
 */
#include <string.h>
#include "arch.h"
#include "guest/domain/domain.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/mm/pt.h"
#include "guest/percpu.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pcpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/traps.h"

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_U 0x4ull
#define PTE_OWNED 0x200ull /* available to software: freed with the domain */
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define USER_AREA_BASE 0x0000010000000000ull /* PML4 slot 2: 512 GiB */
#define USER_AREA_SIZE 0x0000008000000000ull

#define CR4_PGE (1ull << 7)
#define CR4_PCIDE (1ull << 17)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR3_NOFLUSH (1ull << 63)
#define EFER_SCE 0x1ull
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_FMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
/* Cleared on syscall: TF, IF, DF, IOPL, NT, AC. */
#define FMASK_VALUE 0x47700ull

extern uint64_t boot_pml4[512];
extern char syscall_entry[];
static uint64_t cr4_bits; /* what the boot CPU found; every CPU sets it */
static char describe_buf[48];
static uint64_t syscall_fixups; /* see user_fault() */

uint64_t user_syscall_fixups(void)
{
	return __atomic_load_n(&syscall_fixups, __ATOMIC_RELAXED);
}

static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

uintptr_t arch_user_area_base(void) { return USER_AREA_BASE; }
size_t arch_user_area_size(void) { return USER_AREA_SIZE; }

/* Boot CPU first (arch_init(): the options are read), then each CPU as
 * it starts (IRQs off, this_cpu() set). */
void user_cpu_init(void)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());

	if (this_cpu()->id == 0) {
		struct cpuid_regs l1 = cpuid(1, 0), l7 = {0};

		if (cpuid(0, 0).eax >= 7)
			l7 = cpuid(7, 0);
		cr4_bits = CR4_PGE | (l7.ebx & (1u << 7) ? CR4_SMEP : 0) |
			   (l7.ebx & (1u << 20) ? CR4_SMAP : 0) |
			   (l1.ecx & (1u << 17) ? CR4_PCIDE : 0);
		ksnprintf(describe_buf, sizeof(describe_buf), "%s%s%s",
			  cr4_bits & CR4_SMEP ? "smep " : "no-smep ",
			  cr4_bits & CR4_SMAP ? "smap " : "no-smap ",
			  cr4_bits & CR4_PCIDE ? "pcid" : "no-pcid");
	}
	write_cr4(read_cr4() | (inject_on(INJECT_USER_GUARDS_OFF)
					? cr4_bits & ~(CR4_SMEP | CR4_SMAP)
					: cr4_bits));
	p->cr3 = read_cr3();
	__wrmsr(MSR_EFER, __rdmsr(MSR_EFER) | EFER_SCE);
	__wrmsr(MSR_STAR, (uint64_t)(GDT_UCODE64 - 16) << 48 |
				  (uint64_t)GDT_CODE64 << 32);
	__wrmsr(MSR_LSTAR, (uintptr_t)syscall_entry);
	__wrmsr(MSR_FMASK, FMASK_VALUE);
	__wrmsr(MSR_KERNEL_GS_BASE, 0);
}

unsigned arch_user_clock(void) { return 0; }

const char *arch_user_describe(void)
{
	static char buf[96];
	uint64_t n = user_syscall_fixups();

	if (!n)
		return describe_buf;
	ksnprintf(buf, sizeof(buf), "%s, %lu syscalls finished after the "
		  "hypervisor left them in ring 3", describe_buf, n);
	return buf;
}

unsigned arch_user_guards(void)
{
	return (cr4_bits & CR4_SMEP ? ARCH_USER_NX_GUARD : 0) |
	       (cr4_bits & CR4_SMAP ? ARCH_USER_RW_GUARD : 0);
}

/* Every TLB entry of every PCID, global ones too. */
void tlb_flush_all(void)
{
	uint64_t cr4 = read_cr4();

	if (cr4 & CR4_PCIDE) {
		write_cr4(cr4 ^ CR4_PGE);
		write_cr4(cr4);
	} else {
		write_cr3(read_cr3());
	}
}

static uint64_t table_entry(uint64_t pa) { return pa | PTE_P | PTE_W | PTE_U; }
static bool block_entry(uint64_t e) { return e & 0x80; }

static uint64_t page_entry(uint64_t pa, unsigned flags)
{
	return pa | PTE_P | PTE_U | (flags & ARCH_MAP_WRITE ? PTE_W : 0) |
	       (flags & ARCH_MAP_EXEC ? 0 : PTE_NX) |
	       (flags & ARCH_MAP_OWNED ? PTE_OWNED : 0);
}

void arch_user_format(struct pt_format *f, uint64_t *root,
		      struct spinlock *lock)
{
	/* The kernel's slots (identity map, stack window): the same tables,
	 * supervisor-only. */
	for (unsigned i = 0; i < 512; i++)
		if (i != (USER_AREA_BASE >> 39) % 512)
			root[i] = boot_pml4[i];
	*f = (struct pt_format){
		.base = USER_AREA_BASE, .size = USER_AREA_SIZE, .lock = lock,
		.root = root, .valid = PTE_P, .addr = PTE_ADDR,
		.table = table_entry, .block = block_entry, .page = page_entry,
	};
}

uint64_t arch_user_pte_pa(uint64_t e) { return e & PTE_ADDR; }
bool arch_user_pte_owned(uint64_t e) { return e & PTE_OWNED; }

bool arch_user_pte_allows(uint64_t e, bool write)
{
	return (e & (PTE_P | PTE_U)) == (PTE_P | PTE_U) && (!write || e & PTE_W);
}

void arch_user_switch(uint64_t *root, unsigned asid, void *kstack_top)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());
	uint64_t cr3 = (uintptr_t)root | (cr4_bits & CR4_PCIDE ? asid : 0);

	if (p->cr3 != cr3) {
		write_cr3(cr4_bits & CR4_PCIDE ? cr3 | CR3_NOFLUSH : cr3);
		p->cr3 = cr3;
	}
	p->kstack_top = (uintptr_t)kstack_top;
	smp_set_kernel_stack(this_cpu()->id, (uintptr_t)kstack_top);
}

void arch_user_forget(uint64_t *root, unsigned asid)
{
	struct arch_pcpu *p = arch_pcpu(this_cpu());

	if ((p->cr3 & PTE_ADDR) == (uintptr_t)root) {
		p->cr3 = (uintptr_t)boot_pml4;
		write_cr3(p->cr3);
	}
	tlb_flush_all(); /* asid's entries, if it had any */
}

/* CF PF AF ZF SF DF OF AC ID: what a user may set in RFLAGS. */
#define USER_FLAGS 0x240cd5ull

/* Whether the two bytes before ret, in the current domain, are a
 * syscall instruction (0f 05). */
static bool syscall_before(uintptr_t ret)
{
	uint8_t insn[2];

	return ret - 2 - USER_AREA_BASE <= USER_AREA_SIZE - 2 &&
	       !domain_current_read(ret - 2, insn, sizeof(insn)) &&
	       insn[0] == 0x0f && insn[1] == 0x05;
}

/* A CPU exception with CS's RPL 3: report it and kill the thread; returns
 * only for a syscall the hypervisor left in ring 3 (below). */
void user_fault(struct arch_regs *r)
{
	unsigned v = (unsigned)r->vector;
	uintptr_t addr = r->rip;
	const char *access = "instruction";

	/* This machine's software KVM (kvm_pvm) runs ring-3 code natively
	 * and sends its syscall to LSTAR without the switch to ring 0: the
	 * fetch of syscall_entry faults as a user access, with the syscall's
	 * own effects done (rcx = return address, r11 = flags). Finish it
	 * here: the same call, returned from with iret. A ring-3 jump to
	 * syscall_entry faults the same way, with rcx and r11 its own: so
	 * only where the two bytes before rcx, in the domain's own memory,
	 * are a syscall, and with the flags rebuilt from the user's
	 * arithmetic ones (never TF, IOPL, NT, RF: iret takes them). */
	if (v == VEC_PF && r->rip == (uintptr_t)syscall_entry &&
	    (r->error & 0x15) == 0x15 && syscall_before(r->rcx)) {
		__atomic_fetch_add(&syscall_fixups, 1, __ATOMIC_RELAXED);
		r->rip = r->rcx;
		r->rflags = (r->r11 & USER_FLAGS) | 0x202;
		r->rax = (uint64_t)kernel_syscall(r->rax, r->rdi, r->rsi,
						  r->rdx, r->r10);
		return;
	}

	if (v == VEC_PF) {
		addr = read_cr2();
		access = r->error & 0x10 ? "execute"
			 : r->error & 0x2 ? "write" : "read";
	} else if (v == 13) {
		access = "privileged or non-canonical access";
	} else if (v == 6) {
		access = "invalid instruction";
	}
	arch_dump_regs(r);
	kernel_user_fault(v, addr, access, r->rip);
}
