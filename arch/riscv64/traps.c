/* SPDX-License-Identifier: MIT */
/*
 * Trap reports (scause, stval, sepc, registers, backtrace), the
 * arch_fault_try() recovery path, and interrupt dispatch: the supervisor
 * timer and software (IPI) interrupts are all this kernel takes.
 */
#include "arch.h"
#include "guest/backtrace.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/timer.h"

_Static_assert(offsetof(struct arch_regs, x[31]) == S_X(31), "entry.S");
_Static_assert(offsetof(struct arch_regs, sepc) == S_SEPC, "entry.S");
_Static_assert(offsetof(struct arch_regs, sstatus) == S_SSTATUS, "entry.S");
_Static_assert(offsetof(struct arch_regs, scause) == S_SCAUSE, "entry.S");
_Static_assert(offsetof(struct arch_regs, stval) == S_STVAL, "entry.S");
_Static_assert(sizeof(struct arch_regs) == FRAME_SIZE && FRAME_SIZE % 16 == 0,
	       "entry.S");

__noreturn void fault_resume(void *ctx, int value);
static uintptr_t caught_addr[MAX_CPUS]; /* arch_fault_addr() */

uintptr_t arch_fault_addr(void) { return caught_addr[this_cpu()->id]; }
bool paging_drop_stale(uintptr_t va);
void ipi_irq(void);

static const char *cause_name(uint64_t code)
{
	static const char *const names[16] = {
		"instruction address misaligned", "instruction access fault",
		"illegal instruction", "breakpoint", "load address misaligned",
		"load access fault", "store address misaligned",
		"store access fault", "ecall from U-mode", "ecall from S-mode",
		NULL, NULL, "instruction page fault", "load page fault", NULL,
		"store page fault"};

	return code < 16 && names[code] ? names[code] : "?";
}

/* Causes whose stval is the faulting address. */
static bool cause_has_addr(uint64_t code)
{
	return code == 0 || code == 1 || code == 4 || code == 5 || code == 6 ||
	       code == 7 || code == 12 || code == 13 || code == 15;
}

static const char *const reg_names[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5", "s6",
	"s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};

void arch_dump_regs(const struct arch_regs *r)
{
	for (int i = 1; i < 32; i += 3) {
		kprintf("  %-4s %016lx", reg_names[i], r->x[i]);
		if (i + 1 < 32)
			kprintf("  %-4s %016lx", reg_names[i + 1], r->x[i + 1]);
		if (i + 2 < 32)
			kprintf("  %-4s %016lx", reg_names[i + 2], r->x[i + 2]);
		kprintf("\n");
	}
	kprintf("  sepc %016lx  sstatus %016lx\n  scause %016lx  stval %016lx\n",
		r->sepc, r->sstatus, r->scause, r->stval);
}

/* The backtrace from the trapped frame. gcc's leaf functions save s0
 * alone (at fp - 8) and keep ra in its register: where that slot holds
 * what looks like the caller's frame pointer (just above this one), the
 * caller's return address is ra and its frame that saved s0. */
static void trap_backtrace(const struct arch_regs *r)
{
	uintptr_t fp = r->x[8], slot = fp - 8;

	if (fp && IS_ALIGNED(fp, 8) && arch_va_mapped(slot)) {
		uintptr_t up = *(const uintptr_t *)slot;

		if (up > fp && up - fp < 65536 && IS_ALIGNED(up, 8)) {
			kprintf("  leaf function: return address %lx\n", r->x[1]);
			backtrace_print((void *)up);
			return;
		}
	}
	backtrace_print((void *)fp);
}

static void report_exception(const struct arch_regs *r, const char *what)
{
	struct cpu *c = this_cpu();

	kprintf("EXCEPTION %s on vCPU %u: scause 0x%lx (%s) at sepc 0x%lx,"
		" stval 0x%lx\n", what, c ? c->id : 0, r->scause,
		cause_name(r->scause), r->sepc, r->stval);
	arch_dump_regs(r);
	kprintf("  at %lx\n", r->sepc);
	trap_backtrace(r);
}

/* A page fault (instruction, load, store) on a page that is mapped:
 * paging.c fences the stale entry, and the access is retried. */
static bool stale_translation(const struct arch_regs *r)
{
	uint64_t code = r->scause;

	return (code == 12 || code == 13 || code == 15) &&
	       paging_drop_stale(r->stval);
}

static void trap_sync(struct arch_regs *r)
{
	struct cpu *c = this_cpu();
	uint64_t code = r->scause;
	uintptr_t addr = cause_has_addr(code) ? r->stval : r->sepc;

	if (stale_translation(r))
		return;
	if (c->fault_ctx) {
		void *ctx = c->fault_ctx;

		c->fault_ctx = NULL;
		caught_addr[c->id] = addr;
		report_exception(r, "(expected)");
		fault_resume(ctx, (int)code + 1);
	}
	report_exception(r, "in thread");
	/* The kernel kills the offending thread and never returns here; it
	 * returns only when there is no thread to blame. An interrupt being
	 * handled needs no ending: it was cleared when taken. */
	kernel_thread_fault((unsigned)code, addr);
	panic("unhandled exception (scause 0x%lx) on vCPU %u", code, c->id);
}

void arch_trap(struct arch_regs *r)
{
	if (!(r->scause & CAUSE_IRQ)) {
		trap_sync(r);
		return;
	}
	this_cpu()->irq_count++;
	switch (r->scause & ~CAUSE_IRQ) {
	case IRQ_S_TIMER:
		timer_irq();
		break;
	case IRQ_S_SOFT:
		ipi_irq();
		break;
	default:
		kprintf("vCPU %u: unexpected interrupt %lu\n", this_cpu()->id,
			r->scause & ~CAUSE_IRQ);
		csr_clear(sie, 1ull << (r->scause & 63));
		return;
	}
	kernel_irq_exit();
}
