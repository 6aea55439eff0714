/* SPDX-License-Identifier: MIT */
/*
 * SBI calls, the per-CPU pointer (tp), emergency stacks, IPIs through the
 * SBI IPI extension (one supervisor software interrupt carries every kind:
 * the kinds wait in a per-CPU bit mask), and secondary harts started with
 * the SBI HSM extension.
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/percpu.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/pcpu.h"
#include "arch/riscv64/timer.h"

_Static_assert(offsetof(struct cpu, fault_ctx) == CPU_OFF_FAULT_CTX_ASM, "switch.S");
_Static_assert(offsetof(struct cpu, arch) == CPU_OFF_ARCH_ASM, "entry.S");

#define EMERG_STACK_ORDER 1 /* 8 KiB: report a stack overflow */
static uint8_t bsp_emerg_stack[PAGE_SIZE << EMERG_STACK_ORDER] __aligned(16);
static struct fault_ctx fault_bufs[MAX_CPUS];
extern char secondary_entry[];

struct sbiret sbi_call(unsigned kind, unsigned long ext, unsigned long fid,
		       unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3)
{
	ledger_add(kind);
	return sbi_ecall(ext, fid, a0, a1, a2, a3);
}

bool sbi_has(unsigned long ext)
{
	struct sbiret r = sbi_call(LEDGER_HYPERCALL, SBI_EXT_BASE, 3, ext, 0, 0, 0);

	return !r.error && r.value;
}

int sbi_errno(long err)
{
	switch (err) {
	case SBI_SUCCESS: return 0;
	case SBI_ERR_NOT_SUPPORTED: return -ENODEV;
	case SBI_ERR_INVALID_PARAM: return -EINVAL;
	case SBI_ERR_ALREADY_AVAILABLE: return -EEXIST;
	}
	return -EIO;
}

static void cpu_setup(struct cpu *c, uintptr_t emerg_top)
{
	struct arch_pcpu *ap = arch_pcpu(c);

	ap->fault = &fault_bufs[c->id];
	ap->emerg_sp = emerg_top;
	__asm__ volatile("mv tp, %0" : : "r"(c) : "memory");
	csr_set(sie, IE_SSIE);
}

void smp_setup_bsp(void)
{
	cpu_setup(cpu_get(0), (uintptr_t)bsp_emerg_stack + sizeof(bsp_emerg_stack));
}

/* hart_start: the hart enters secondary_entry (head.S) in S-mode, MMU
 * off, a0 = its id, a1 = the opaque word: the stack top. */
int arch_cpu_start(unsigned id, uint32_t hw_id, void *stack_top)
{
	struct cpu *c = cpu_get(id);
	uint64_t emerg;
	struct sbiret r;

	if (!c || id == 0)
		return -EINVAL;
	if (!(emerg = page_alloc(EMERG_STACK_ORDER)))
		return -ENOMEM;
	arch_pcpu(c)->emerg_sp = emerg + (PAGE_SIZE << EMERG_STACK_ORDER);
	__asm__ volatile("fence rw, rw" : : : "memory");
	r = sbi_call(LEDGER_HYPERCALL, SBI_EXT_HSM, 0, hw_id,
		     (uintptr_t)secondary_entry, (uintptr_t)stack_top, 0);
	if (r.error)
		return sbi_errno(r.error);
	return cpu_wait_online(c);
}

/* First C code of a secondary hart, paging on, on the stack it was given. */
void user_cpu_init(void); /* user.c */

__noreturn void arch_secondary_main(uint64_t hart)
{
	struct cpu *c = cpu_find_hw_id((uint32_t)hart);

	if (!c)
		arch_halt_forever();
	cpu_setup(c, arch_pcpu(c)->emerg_sp);
	user_cpu_init();
	timer_init_cpu();
	kernel_secondary_main();
}

static void post(struct cpu *c, unsigned kind)
{
	__atomic_fetch_or(&arch_pcpu(c)->ipi_pending, 1ull << kind, __ATOMIC_RELEASE);
}

/* send_ipi(hart_mask, hart_mask_base): bit 0 of the mask is hart base. */
static void sbi_ipi(uint64_t mask, uint64_t base)
{
	sbi_call(LEDGER_IPI, SBI_EXT_IPI, 0, mask, base, 0, 0);
}

void arch_ipi_send(unsigned cpu, unsigned kind)
{
	struct cpu *c = cpu_get(cpu);

	if (!c)
		return;
	post(c, kind);
	sbi_ipi(1, c->hw_id);
}

/* One call for the harts numbered below 64, one each for the others. */
void arch_ipi_send_others(unsigned kind)
{
	struct cpu *self = this_cpu();
	uint64_t mask = 0;

	for (unsigned i = 0; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		if (c == self)
			continue;
		post(c, kind);
		if (c->hw_id < 64)
			mask |= 1ull << c->hw_id;
		else
			sbi_ipi(1, c->hw_id);
	}
	if (mask)
		sbi_ipi(mask, 0);
}

/* The supervisor software interrupt: clear it first, then take the kinds
 * posted (a kind posted after the exchange raises it again). */
void ipi_irq(void)
{
	uint64_t kinds;

	csr_clear(sip, IE_SSIE);
	kinds = __atomic_exchange_n(&arch_pcpu(this_cpu())->ipi_pending, 0,
				    __ATOMIC_ACQUIRE);
	for (unsigned k = 0; kinds; k++, kinds >>= 1)
		if (kinds & 1)
			kernel_ipi(k);
}
