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
#include "arch/x86_64/pcpu.h"

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

/* Register access counted as kind k in the transition ledger. */
static uint32_t apic_read_as(enum ledger_kind k, unsigned reg)
{
	ledger_add(k);
	if (x2apic)
		return (uint32_t)__rdmsr(MSR_X2APIC_BASE + (reg >> 4));
	return xapic_mmio[reg / 4];
}

void apic_write_as(enum ledger_kind k, unsigned reg, uint32_t v)
{
	ledger_add(k);
	if (x2apic)
		__wrmsr(MSR_X2APIC_BASE + (reg >> 4), v);
	else
		xapic_mmio[reg / 4] = v;
}

/* Any other register: an MSR in x2APIC mode, MMIO in xAPIC mode. */
static enum ledger_kind apic_kind(void) { return x2apic ? LEDGER_MSR : LEDGER_MMIO; }

uint32_t apic_read(unsigned reg) { return apic_read_as(apic_kind(), reg); }
void apic_write(unsigned reg, uint32_t v) { apic_write_as(apic_kind(), reg, v); }

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
	uint32_t id = apic_read(APIC_ID);

	return x2apic ? id : id >> 24;
}

static void xapic_wait_idle(void)
{
	while (apic_read(APIC_ICR) & (1u << 12))
		arch_cpu_relax();
}

/* One IPI send in the ledger; in xAPIC mode the ICR_HI write and the
 * delivery-status polls are MMIO accesses of their own. */
void apic_send(uint32_t dest, uint32_t icr_lo)
{
	if (x2apic) {
		ledger_add(LEDGER_IPI);
		__wrmsr(MSR_X2APIC_BASE + (APIC_ICR >> 4),
			((uint64_t)dest << 32) | icr_lo);
		return;
	}
	unsigned long flags = arch_irq_save();

	xapic_wait_idle();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write_as(LEDGER_IPI, APIC_ICR, icr_lo);
	xapic_wait_idle();
	arch_irq_restore(flags);
}

void apic_send_others(uint32_t icr_lo)
{
	apic_send(0, icr_lo | APIC_DEST_ALLBUT);
}

void apic_set_pv_eoi(volatile uint32_t *word)
{
	arch_pcpu(this_cpu())->pv_eoi = word;
}

static bool in_service(void)
{
	for (unsigned i = 0; i < 8; i++)
		if (apic_read(APIC_ISR + i * 0x10))
			return true;
	return false;
}

/* End every interrupt this vCPU took and never finished: a fault inside
 * its handler, or in delivering it onto an exhausted stack (the vector is
 * in service then, its handler never ran), would keep that vector and all
 * of lower priority out for good once the faulting thread is killed.
 * Each EOI ends the highest in service. Returns how many. */
unsigned apic_end_in_service(void)
{
	unsigned n = 0;

	while (n < 256 && in_service()) {
		apic_write_as(LEDGER_EOI, APIC_EOI, 0);
		n++;
	}
	return n;
}

void apic_eoi(void)
{
	volatile uint32_t *pv = arch_pcpu(this_cpu())->pv_eoi;

	/* KVM sets bit 0 when the EOI may be skipped; clearing it atomically
	 * tells KVM we took that path (pairs with KVM's check on entry). */
	if (pv && (__atomic_fetch_and(pv, ~1u, __ATOMIC_SEQ_CST) & 1))
		return;
	apic_write_as(LEDGER_EOI, APIC_EOI, 0);
}
