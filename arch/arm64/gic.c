/* SPDX-License-Identifier: MIT */
/*
 * GICv3: the distributor (affinity routing on, group 1 enabled), each
 * CPU's redistributor (woken, SGIs and PPIs in group 1), and the CPU
 * interface through ICC_* system registers. Only SGIs (the scheduler's
 * IPIs) and PPIs (timer, Xen's event channel) are used; no SPIs.
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/dt.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/pcpu.h"

#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_GRP1 (1u << 1)

#define GICR_CTLR 0x0000
#define GICR_CTLR_RWP (1u << 3)
#define GICR_TYPER 0x0008
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_ASLEEP (1u << 2)
#define GICR_SGI 0x10000 /* SGI/PPI frame after the RD frame */
#define GICR_IGROUPR0 (GICR_SGI + 0x0080)
#define GICR_ISENABLER0 (GICR_SGI + 0x0100)
#define GICR_ICENABLER0 (GICR_SGI + 0x0180)
#define GICR_ICPENDR0 (GICR_SGI + 0x0280)
#define GICR_IPRIORITYR (GICR_SGI + 0x0400)

#define PRIO_DEFAULT 0xa0

static uint32_t rd32(uintptr_t base, unsigned off) { return mmio_read32(base + off); }
static void wr32(uintptr_t base, unsigned off, uint32_t v) { mmio_write32(base + off, v); }

static int wait_clear(uintptr_t base, unsigned off, uint32_t bits)
{
	for (unsigned long n = 0; rd32(base, off) & bits; n++) {
		if (n > 100000000ul)
			return -ETIMEDOUT;
		arch_cpu_relax();
	}
	return 0;
}

static uintptr_t rd_base(void)
{
	return arch_pcpu(this_cpu())->gicr;
}

/* The redistributor whose affinity is this CPU's MPIDR, or 0. */
static uintptr_t rd_find(uint32_t hw_id)
{
	uintptr_t b = dt.gicr_base, end = dt.gicr_base + dt.gicr_size;

	while (b < end) {
		uint64_t typer = mmio_read64(b + GICR_TYPER);

		if ((uint32_t)(typer >> 32) == hw_id)
			return b;
		if (typer & GICR_TYPER_LAST)
			break;
		b += typer & GICR_TYPER_VLPIS ? 0x40000 : 0x20000;
	}
	return 0;
}

int gic_init_cpu(void)
{
	struct cpu *c = this_cpu();
	uintptr_t rd = rd_find(c->hw_id);

	if (!rd)
		return -ENODEV;
	arch_pcpu(c)->gicr = rd;
	wr32(rd, GICR_WAKER, rd32(rd, GICR_WAKER) & ~GICR_WAKER_SLEEP);
	if (wait_clear(rd, GICR_WAKER, GICR_WAKER_ASLEEP))
		return -ETIMEDOUT;
	wr32(rd, GICR_ICENABLER0, ~0u);
	wait_clear(rd, GICR_CTLR, GICR_CTLR_RWP);
	wr32(rd, GICR_ICPENDR0, ~0u);
	wr32(rd, GICR_IGROUPR0, ~0u); /* all SGIs/PPIs in group 1 */
	for (unsigned i = 0; i < 8; i++)
		wr32(rd, GICR_IPRIORITYR + 4 * i, PRIO_DEFAULT * 0x01010101u);

	write_sysreg(read_sysreg(ICC_SRE_EL1) | 1, ICC_SRE_EL1);
	isb();
	write_sysreg(0xff, ICC_PMR_EL1);  /* let every priority through */
	write_sysreg(0, ICC_BPR1_EL1);
	write_sysreg(0, ICC_CTLR_EL1);    /* EOI also deactivates */
	write_sysreg(1, ICC_IGRPEN1_EL1);
	isb();
	for (unsigned k = 0; k < IPI_NR; k++)
		gic_enable_ppi(k);
	return 0;
}

int gic_init_bsp(void)
{
	uintptr_t d = dt.gicd_base;

	if (dt.gic_version != 3)
		return -ENODEV;
	wr32(d, GICD_CTLR, 0);
	if (wait_clear(d, GICD_CTLR, GICD_CTLR_RWP))
		return -ETIMEDOUT;
	wr32(d, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_GRP1);
	wait_clear(d, GICD_CTLR, GICD_CTLR_RWP);
	return gic_init_cpu();
}

void gic_enable_ppi(unsigned intid)
{
	if (intid < 32)
		wr32(rd_base(), GICR_ISENABLER0, 1u << intid);
}

uint32_t gic_ack(void)
{
	uint32_t iar = (uint32_t)read_sysreg(ICC_IAR1_EL1);

	/* Reads of what the interrupt's sender wrote come after the ack. */
	dsb(sy);
	return iar;
}

void gic_eoi(uint32_t iar)
{
	ledger_add(LEDGER_EOI);
	write_sysreg(iar, ICC_EOIR1_EL1);
	isb();
}

/* ICC_SGI1R_EL1 for one target: Aff3/2/1, range selector and bit of Aff0. */
static uint64_t sgi1r(uint32_t hw_id, unsigned intid)
{
	uint64_t aff0 = hw_id & 0xff;

	return ((uint64_t)(hw_id >> 24) << 48) | ((uint64_t)((hw_id >> 16) & 0xff) << 32) |
	       ((aff0 / 16) << 44) | ((uint64_t)((hw_id >> 8) & 0xff) << 16) |
	       ((uint64_t)intid << 24) | (1ull << (aff0 % 16));
}

void gic_send_sgi(uint32_t hw_id, unsigned intid)
{
	/* Stores before the SGI are visible to its handler (pairs with the
	 * barrier after the ack). */
	dsb(ishst);
	ledger_add(LEDGER_IPI);
	write_sysreg(sgi1r(hw_id, intid), ICC_SGI1R_EL1);
	isb();
}

void gic_send_sgi_others(unsigned intid)
{
	dsb(ishst);
	ledger_add(LEDGER_IPI);
	write_sysreg((1ull << 40) | ((uint64_t)intid << 24), ICC_SGI1R_EL1);
	isb();
}
