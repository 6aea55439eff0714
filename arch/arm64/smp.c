/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU pointer (TPIDR_EL1), emergency stacks, PSCI calls, and secondary
 * CPU start-up with PSCI CPU_ON.
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/percpu.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/dt.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/psci.h"
#include "arch/arm64/timer.h"
#include "arch/arm64/pcpu.h"

_Static_assert(offsetof(struct cpu, fault_ctx) == CPU_OFF_FAULT_CTX_ASM, "switch.S");
_Static_assert(offsetof(struct cpu, arch) == CPU_OFF_ARCH_ASM, "switch.S");

#define EMERG_STACK_ORDER 1 /* 8 KiB: report a stack overflow */
static uint8_t bsp_emerg_stack[PAGE_SIZE << EMERG_STACK_ORDER] __aligned(16);
extern char secondary_entry[];

/* The call itself: nothing between the register variables and the asm
 * (a call there, the tracer's say, may clobber x0-x3). */
static __always_inline long psci_hvc_smc(uint32_t fn, uint64_t a1, uint64_t a2,
					 uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (dt.psci_hvc)
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	else
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
				 : : "memory");
	return (long)x0;
}

long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	ledger_add(LEDGER_HYPERCALL);
	return psci_hvc_smc(fn, a1, a2, a3);
}

void user_cpu_init(void); /* user.c: each CPU */

static void cpu_setup(struct cpu *c, void *emerg_top)
{
	arch_pcpu(c)->emerg_sp = (uintptr_t)emerg_top;
	write_sysreg(c, tpidr_el1);
	arch_pcpu(c)->ttbr0 = read_sysreg(ttbr0_el1);
	if (c->id) /* the boot CPU's comes with arch_init() */
		user_cpu_init();
}

void smp_setup_bsp(void)
{
	cpu_setup(cpu_get(0), bsp_emerg_stack + sizeof(bsp_emerg_stack));
}

int arch_cpu_start(unsigned id, uint32_t hw_id, void *stack_top)
{
	struct cpu *c = cpu_get(id);
	uint64_t emerg;
	long rc;

	if (!c || id == 0)
		return -EINVAL;
	if (!dt.psci)
		return -ENODEV;
	if (!(emerg = page_alloc(EMERG_STACK_ORDER)))
		return -ENOMEM;
	arch_pcpu(c)->emerg_sp = emerg + (PAGE_SIZE << EMERG_STACK_ORDER);
	/* The new CPU starts with its MMU off: make what it reads before
	 * turning it on (its struct cpu comes later, with the MMU on)
	 * reach memory. Only the stack top travels, in x0. */
	dsb(sy);
	rc = psci_call(PSCI_CPU_ON, hwid_to_mpidr(hw_id),
		       (uintptr_t)secondary_entry, (uintptr_t)stack_top);
	if (rc)
		return rc == -2 ? -EINVAL : rc == -4 ? -EEXIST : -EIO;
	return cpu_wait_online(c);
}

/* First C code of a secondary CPU, MMU on, on the stack it was given. */
__noreturn void arch_secondary_main(void)
{
	struct cpu *c;

	cfi_enable_this_cpu(); /* before any function returns (cfi.c) */
	c = cpu_find_hw_id(mpidr_to_hwid(read_sysreg(mpidr_el1)));
	if (!c)
		arch_halt_forever();
	cpu_setup(c, (void *)arch_pcpu(c)->emerg_sp);
	if (gic_init_cpu())
		arch_halt_forever();
	timer_init_cpu();
	kernel_secondary_main();
}
