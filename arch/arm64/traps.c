/* SPDX-License-Identifier: MIT */
/*
 * Exception reports (ESR class, FAR, ELR, registers, backtrace), the
 * arch_fault_try() recovery path, and interrupt dispatch from the GIC.
 */
#include "arch.h"
#include "virt.h"
#include "guest/backtrace.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/pcpu.h"

_Static_assert(offsetof(struct arch_regs, x[30]) == S_X30, "entry.S");
_Static_assert(offsetof(struct arch_regs, sp) == S_SP, "entry.S");
_Static_assert(offsetof(struct arch_regs, elr) == S_ELR, "entry.S");
_Static_assert(offsetof(struct arch_regs, esr) == S_ESR, "entry.S");
_Static_assert(sizeof(struct arch_regs) == FRAME_SIZE, "entry.S");

#define EC_DABT_CUR 0x25
#define EC_IABT_CUR 0x21
#define NR_LOCAL_IRQS 32 /* SGIs and PPIs: all this kernel takes */

__noreturn void fault_resume(void *ctx, int value);
static uintptr_t caught_addr[MAX_CPUS]; /* arch_fault_addr() */

uintptr_t arch_fault_addr(void) { return caught_addr[this_cpu()->id]; }
static irq_handler_t irq_handlers[NR_LOCAL_IRQS];

static const char *ec_name(unsigned ec)
{
	switch (ec) {
	case 0x00: return "unknown (undefined instruction)";
	case 0x07: return "FP/SIMD access trapped";
	case 0x09: return "pointer authentication trapped";
	case 0x0d: return "branch target (BTI)";
	case 0x0e: return "illegal execution state";
	case 0x15: return "SVC";
	case 0x16: return "HVC";
	case 0x17: return "SMC";
	case 0x18: return "system register access";
	case 0x1c: return "pointer authentication failure";
	case 0x21: return "instruction abort";
	case 0x22: return "PC alignment";
	case 0x25: return "data abort";
	case 0x26: return "SP alignment";
	case 0x2f: return "SError";
	case 0x3c: return "BRK";
	}
	return "?";
}

void irq_set_handler(unsigned intid, irq_handler_t h)
{
	if (intid < NR_LOCAL_IRQS)
		irq_handlers[intid] = h;
}

void arch_dump_regs(const struct arch_regs *r)
{
	for (int i = 0; i < 30; i += 3)
		kprintf("  X%-2d %016lx  X%-2d %016lx  X%-2d %016lx\n", i, r->x[i],
			i + 1, r->x[i + 1], i + 2, r->x[i + 2]);
	kprintf("  X30 %016lx  SP  %016lx  ELR %016lx\n"
		"  SPSR %08lx  ESR %08lx  FAR %016lx\n",
		r->x[30], r->sp, r->elr, r->spsr, r->esr, r->far);
}

static void report_exception(const struct arch_regs *r, const char *what)
{
	unsigned ec = r->esr >> 26;
	struct cpu *c = this_cpu();

	kprintf("EXCEPTION %s on vCPU %u: ESR 0x%lx (class 0x%x, %s) at ELR 0x%lx,"
		" FAR 0x%lx\n", what, c ? c->id : 0, r->esr, ec, ec_name(ec),
		r->elr, r->far);
	arch_dump_regs(r);
	kprintf("  at %lx\n", r->elr);
	backtrace_print((void *)r->x[29]);
}

/* Synchronous exceptions at EL1 (entry.S); "vector" is the ESR class. */
void arch_trap_sync(struct arch_regs *r)
{
	struct cpu *c = this_cpu();
	unsigned ec = r->esr >> 26;
	uintptr_t addr = ec == EC_DABT_CUR || ec == EC_IABT_CUR ? r->far : r->elr;

	if (c && c->fault_ctx) {
		void *ctx = c->fault_ctx;

		c->fault_ctx = NULL;
		caught_addr[c->id] = addr;
		report_exception(r, "(expected)");
		fault_resume(ctx, (int)ec + 1);
	}
	report_exception(r, "in thread");
	if (!c)
		panic("exception class 0x%x before per-CPU set-up", ec);
	/* Inside an interrupt handler: end that interrupt, which would
	 * otherwise stay active (and its priority running) for good once
	 * the thread it interrupted is killed. */
	uint32_t active = arch_pcpu(c)->irq_active;

	if (active) {
		arch_pcpu(c)->irq_active = 0;
		kprintf("vCPU %u: interrupt %u the fault left active, ended\n",
			c->id, active & 0xffffff);
		gic_eoi(active & ~IRQ_ACTIVE);
		if (virt && virt->irq_lost)
			virt->irq_lost();
	}
	/* The kernel kills the offending thread and never returns here; it
	 * returns only when there is no thread to blame. */
	kernel_thread_fault(ec, addr);
	panic("unhandled exception (class 0x%x) on vCPU %u", ec, c->id);
}

/* FIQ, SError, and exceptions from a mode this kernel never runs in. */
__noreturn void arch_trap_bad(struct arch_regs *r, unsigned kind)
{
	static const char *const kinds[4] = {"synchronous", "IRQ", "FIQ", "SError"};

	kprintf("EXCEPTION: unexpected %s exception (vector entry %u)\n",
		kinds[kind & 3], kind);
	report_exception(r, "unexpected");
	panic("unexpected exception, vector entry %u", kind);
}

/* An IRQ found no room for its frame (entry.S): the thread ran into its
 * guard page, as the frame's store would have faulted. Not acknowledged:
 * the interrupt stays pending for whoever runs next. */
void arch_trap_irq_no_room(struct arch_regs *r)
{
	uintptr_t addr = arch_va_mapped(r->sp - 8) ? r->sp - FRAME_SIZE : r->sp - 8;
	struct cpu *c = this_cpu();

	kprintf("EXCEPTION in thread on vCPU %u: an interrupt found no room for "
		"its frame below sp 0x%lx (at 0x%lx)\n", c->id, r->sp, addr);
	arch_dump_regs(r);
	backtrace_print((void *)r->x[29]);
	kernel_thread_fault(EC_DABT_CUR, addr);
	panic("an interrupt found no room on vCPU %u's stack", c->id);
}

void arch_trap_irq(struct arch_regs *r)
{
	uint32_t iar = gic_ack();
	unsigned intid = iar & 0xffffff;

	struct arch_pcpu *ap = arch_pcpu(this_cpu());

	this_cpu()->irq_count++;
	if (intid >= 1020 && intid <= 1023)
		return; /* spurious: nothing to acknowledge */
	ap->irq_active = iar | IRQ_ACTIVE;
	if (intid < NR_LOCAL_IRQS && irq_handlers[intid])
		irq_handlers[intid](intid);
	else
		kprintf("vCPU %u: unexpected interrupt %u\n", this_cpu()->id, intid);
	ap->irq_active = 0;
	gic_eoi(iar);
	kernel_irq_exit();
}
