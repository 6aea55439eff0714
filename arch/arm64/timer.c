/* SPDX-License-Identifier: MIT */
/*
 * The generic timer: CNTVCT_EL0 is the cycle counter, CNTFRQ_EL0 its
 * frequency, and the EL1 virtual timer (CNTV_CVAL_EL0) the one-shot
 * deadline, on the PPI the device tree names (27 on QEMU and Xen).
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "arch/arm64/cpu.h"
#include "guest/inject.h"
#include "arch/arm64/dt.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/timer.h"

#define CNTV_CTL_ENABLE 1u
static uint64_t cnt_hz;

uint64_t arch_cycles(void)
{
	uint64_t c;

	isb(); /* no earlier instruction is still in flight */
	c = read_sysreg(cntvct_el0);
	return inject_on(INJECT_CYCLES_SKEW) ? inject_cycles_skew(c) : c;
}
uint64_t arch_cycles_raw(void) { return read_sysreg(cntvct_el0); }
uint64_t arch_cycles_hz(void) { return cnt_hz; }
unsigned timer_intid(void) { return dt.timer_virt_intid; }

void arch_timer_set_cycles(uint64_t deadline)
{
	ledger_add(LEDGER_TIMER);
	if (deadline == UINT64_MAX) {
		write_sysreg(0, cntv_ctl_el0);
	} else {
		write_sysreg(deadline, cntv_cval_el0);
		write_sysreg(CNTV_CTL_ENABLE, cntv_ctl_el0);
	}
	isb();
}

/* The timer's output is a level: disarm it before the EOI, or it fires
 * again at once; the kernel re-arms it for its next event. */
static void timer_irq(unsigned intid)
{
	ledger_add(LEDGER_TIMER);
	write_sysreg(0, cntv_ctl_el0);
	isb();
	kernel_timer_interrupt();
}

void timer_init_cpu(void)
{
	write_sysreg(0, cntv_ctl_el0);
	isb();
	gic_enable_ppi(dt.timer_virt_intid);
}

int timer_init_bsp(void)
{
	cnt_hz = read_sysreg(cntfrq_el0) & 0xffffffff;
	if (!cnt_hz || dt.timer_virt_intid < 16 || dt.timer_virt_intid >= 32)
		return -ENODEV;
	irq_set_handler(dt.timer_virt_intid, timer_irq);
	timer_init_cpu();
	return 0;
}
