/* SPDX-License-Identifier: MIT */
/*
 * Local APIC access in x2APIC (MSRs) or xAPIC (MMIO at the base from
 * IA32_APIC_BASE) mode, IPIs and EOI (with KVM's PV EOI shortcut).
 */
#include "arch.h"
#include "guest/percpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"

#define APIC_BASE_X2APIC (1u << 10)
#define APIC_BASE_ENABLE (1u << 11)


static bool x2apic;
static volatile uint32_t *xapic_mmio;

void apic_init_bsp(bool allow_x2apic)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	x2apic = allow_x2apic && (cpuid(1, 0).ecx & CPUID1_ECX_X2APIC);
	/* Identity mapped, uncached (top GiB of the boot page tables). */
	xapic_mmio = (volatile uint32_t *)(uintptr_t)(base & ~0xfffull);
}

bool apic_is_x2apic(void) { return x2apic; }

uint32_t apic_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return xapic_mmio[reg / 4];
}

void apic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		xapic_mmio[reg / 4] = v;
}

void apic_init_cpu(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE;

	wrmsr(MSR_APIC_BASE, base);
	if (x2apic)
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_X2APIC);
	apic_write(APIC_SVR, 0x100 | VEC_SPURIOUS);  /* software enable */
	apic_write(APIC_LVT_TIMER, 1u << 16);         /* masked until armed */
	apic_write(APIC_LVT_LINT0, 1u << 16);
	apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
	apic_write(APIC_LVT_ERROR, 1u << 16);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_BASE + (APIC_ID >> 4));
	return xapic_mmio[APIC_ID / 4] >> 24;
}

static void xapic_wait_idle(void)
{
	while (xapic_mmio[APIC_ICR / 4] & (1u << 12))
		arch_cpu_relax();
}

void apic_send(uint32_t dest, uint32_t icr_lo)
{
	if (x2apic) {
		wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4),
		      ((uint64_t)dest << 32) | icr_lo);
		return;
	}
	unsigned long flags = arch_irq_save();

	xapic_wait_idle();
	xapic_mmio[APIC_ICR_HI / 4] = dest << 24;
	xapic_mmio[APIC_ICR / 4] = icr_lo;
	xapic_wait_idle();
	arch_irq_restore(flags);
}

void apic_send_others(uint32_t icr_lo)
{
	apic_send(0, icr_lo | APIC_DEST_ALLBUT);
}

void apic_set_pv_eoi(volatile uint32_t *word)
{
	this_cpu()->arch[PCPU_PV_EOI] = (uintptr_t)word;
}

void apic_eoi(void)
{
	volatile uint32_t *pv = (volatile uint32_t *)this_cpu()->arch[PCPU_PV_EOI];

	/* KVM sets bit 0 when the EOI may be skipped; clearing it atomically
	 * tells KVM we took that path (pairs with KVM's check on entry). */
	if (pv && (__atomic_fetch_and(pv, ~1u, __ATOMIC_SEQ_CST) & 1))
		return;
	apic_write(APIC_EOI, 0);
}
