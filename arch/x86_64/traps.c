/* SPDX-License-Identifier: MIT */
/*
 * IDT, exception reports (vector, error code, registers, backtrace), the
 * arch_fault_try() recovery path, and interrupt dispatch.
 */
#include "arch.h"
#include "virt.h"
#include "guest/backtrace.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/pcpu.h"
#include "arch/x86_64/smp.h"

struct idt_entry {
	uint16_t off_lo, sel;
	uint8_t ist, type;
	uint16_t off_mid;
	uint32_t off_hi, zero;
} __packed;

static struct idt_entry idt[256] __aligned(16);
static irq_handler_t irq_handlers[256];
extern char trap_stubs[];
__noreturn void fault_resume(void *ctx, int value);
static uintptr_t caught_addr[MAX_CPUS]; /* arch_fault_addr() */

uintptr_t arch_fault_addr(void) { return caught_addr[this_cpu()->id]; }

static const char *const exc_names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint",
	"#OF overflow", "#BR bound range", "#UD invalid opcode",
	"#NM device not available", "#DF double fault", "coprocessor overrun",
	"#TS invalid TSS", "#NP segment not present", "#SS stack fault",
	"#GP general protection", "#PF page fault", "reserved",
	"#MF x87 error", "#AC alignment check", "#MC machine check",
	"#XM SIMD error", "#VE virtualization", "#CP control protection",
};

static void idt_set(unsigned vec, uintptr_t fn, unsigned ist)
{
	idt[vec] = (struct idt_entry){
		.off_lo = fn & 0xffff, .sel = GDT_CODE64, .ist = ist,
		.type = 0x8e, /* present, DPL 0, 64-bit interrupt gate */
		.off_mid = (fn >> 16) & 0xffff, .off_hi = fn >> 32,
	};
}

void traps_init(void)
{
	for (unsigned v = 0; v < 256; v++)
		idt_set(v, (uintptr_t)trap_stubs + 16 * v, 0);
	/* Own stacks (TSS IST) where the current stack may be unusable:
	 * a double fault after a stack overflow, and NMIs. */
	idt_set(VEC_DF, (uintptr_t)trap_stubs + 16 * VEC_DF, 1);
	idt_set(VEC_NMI, (uintptr_t)trap_stubs + 16 * VEC_NMI, 2);
}

void traps_load(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __packed p = {sizeof(idt) - 1, (uintptr_t)idt};

	__asm__ volatile("lidt %0" : : "m"(p));
}

void irq_set_handler(unsigned vector, irq_handler_t h)
{
	irq_handlers[vector] = h;
}

void arch_dump_regs(const struct arch_regs *r)
{
	kprintf("  RIP %016lx  RSP %016lx  RFLAGS %016lx\n"
		"  RAX %016lx  RBX %016lx  RCX %016lx\n"
		"  RDX %016lx  RSI %016lx  RDI %016lx\n"
		"  RBP %016lx  R8  %016lx  R9  %016lx\n"
		"  R10 %016lx  R11 %016lx  R12 %016lx\n"
		"  R13 %016lx  R14 %016lx  R15 %016lx\n"
		"  CR2 %016lx  CR3 %016lx  CS %lx SS %lx\n",
		r->rip, r->rsp, r->rflags, r->rax, r->rbx, r->rcx, r->rdx,
		r->rsi, r->rdi, r->rbp, r->r8, r->r9, r->r10, r->r11, r->r12,
		r->r13, r->r14, r->r15, read_cr2(), read_cr3(), r->cs, r->ss);
}

static void report_exception(const struct arch_regs *r, const char *what)
{
	unsigned v = r->vector;

	kprintf("EXCEPTION %s on vCPU %u: vector %lu (%s) error code 0x%lx"
		" at RIP 0x%lx, fault address 0x%lx\n", what, this_cpu()->id,
		r->vector, v < 32 && exc_names[v] ? exc_names[v] : "?",
		r->error, r->rip, read_cr2());
	arch_dump_regs(r);
	kprintf("  at %lx\n", r->rip);
	backtrace_print((void *)r->rbp);
}

static void handle_exception(struct arch_regs *r)
{
	struct cpu *c = this_cpu();
	uintptr_t addr = r->vector == VEC_PF || r->vector == VEC_DF ? read_cr2() : r->rip;

	if (r->cs & 3) {
		user_fault(r); /* returns only for a finished syscall */
		return;
	}

	if (c->fault_ctx) {
		void *ctx = c->fault_ctx;

		c->fault_ctx = NULL;
		caught_addr[c->id] = addr;
		report_exception(r, "(expected)");
		fault_resume(ctx, (int)r->vector + 1);
	}
	report_exception(r, "in thread");
	unsigned ended = apic_end_in_service();

	if (ended) {
		kprintf("vCPU %u: %u interrupt%s the fault left in service, "
			"ended\n", c->id, ended, ended == 1 ? "" : "s");
		if (virt && virt->irq_lost)
			virt->irq_lost();
	}
	/* The kernel kills the offending thread and never returns here; it
	 * returns only when there is no thread to blame. */
	kernel_thread_fault(r->vector, addr);
	panic("unhandled exception %lu on vCPU %u", r->vector, c->id);
}

/* Interrupts delivered with IF off, dropped by trap_common (entry.S). */
uint64_t irq_masked_dropped;

uint64_t arch_irq_masked_dropped(void)
{
	return __atomic_load_n(&irq_masked_dropped, __ATOMIC_RELAXED);
}

/* An exception in kernel mode found the user's %gs (trap_common swapped
 * in the kernel's): it came in one of the few instructions between an
 * entry from user mode and its swapgs, or an exit's swapgs and its return
 * (entry.S), where no exception is possible but one a hypervisor delivers
 * again. Nothing can be blamed on a thread: stop, saying where. */
__noreturn void entry_user_gs(struct arch_regs *r)
{
	report_exception(r, "with the user's GS base, in an entry or exit");
	panic("exception %lu at 0x%lx in kernel mode with the user's GS base: "
	      "delivered between a swapgs and the instruction it belongs to",
	      r->vector, r->rip);
}

void arch_trap(struct arch_regs *r)
{
	unsigned v = r->vector;

	if (v < 32 && v != VEC_NMI) {
		handle_exception(r);
		return;
	}
	if (v == VEC_NMI) {
		/* Only sent by a panicking CPU to stop the others. */
		arch_halt_forever();
	}
	this_cpu()->irq_count++;
	if (v == VEC_SPURIOUS)
		return;
	/* For handlers that must see what they interrupted (IRQs stay off
	 * in a handler: no nesting to undo). */
	arch_pcpu(this_cpu())->irq_regs = r;
	if (irq_handlers[v])
		irq_handlers[v](r);
	else
		kprintf("vCPU %u: unexpected interrupt vector %u\n",
			this_cpu()->id, v);
	arch_pcpu(this_cpu())->irq_regs = NULL;
	apic_eoi();
	kernel_irq_exit();
}
