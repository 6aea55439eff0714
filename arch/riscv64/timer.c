/* SPDX-License-Identifier: MIT */
/*
 * The clock and the one-shot timer. The clock is the time CSR (rdtime, at
 * the device tree's timebase-frequency: 10 MHz on QEMU virt), except where
 * the cycle CSR counts at an exact multiple of it: QEMU under -icount
 * shift=0 counts one cycle per instruction, at 1 GHz of virtual time, so the
 * lab's figures are exact instruction counts there instead of multiples of
 * 100. The deadline is Sstc's stimecmp where the hart has Sstc and the
 * firmware lets S-mode write it, else the SBI TIME extension's set_timer;
 * both compare against the time CSR. Masking sie.STIE stops the
 * interrupt, so disarming needs no SBI call.
 */
#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/dt.h"
#include "arch/riscv64/timer.h"

static bool use_cycle;     /* arch_cycles() reads the cycle CSR */
static uint64_t cycle_per_tick; /* cycle CSR counts per time tick */
static uint64_t cnt_hz;
static bool use_sstc;
static char describe[96];

static inline uint64_t rd_time(void)
{
	uint64_t t;

	__asm__ volatile("rdtime %0" : "=r"(t));
	return t;
}

static inline uint64_t rd_cycle(void)
{
	uint64_t c;

	__asm__ volatile("rdcycle %0" : "=r"(c));
	return c;
}

static inline uint64_t read_clock(void) { return use_cycle ? rd_cycle() : rd_time(); }

uint64_t arch_cycles(void)
{
	uint64_t c;

	__asm__ volatile("fence" : : : "memory"); /* earlier accesses done */
	c = read_clock();
	return inject_on(INJECT_CYCLES_SKEW) ? inject_cycles_skew(c) : c;
}
uint64_t arch_cycles_raw(void) { return read_clock(); }
uint64_t arch_cycles_hz(void) { return cnt_hz; }

/* Does the cycle CSR run at exactly n times the time CSR (n = 1 GHz over
 * the timebase)? Over 2,000 ticks, to within two ticks' worth. */
void clock_init(uint64_t time0, uint64_t cycle0, uint64_t *boot_cycles)
{
	uint64_t hz = dt.timebase_hz, n, t0, c0, t1, c1, want;

	cnt_hz = hz;
	*boot_cycles = time0;
	if (!hz || 1000000000ull % hz)
		return;
	n = 1000000000ull / hz;
	t0 = rd_time();
	c0 = rd_cycle();
	while ((t1 = rd_time()) - t0 < 2000)
		;
	c1 = rd_cycle();
	want = (t1 - t0) * n;
	if (c1 - c0 + 2 * n >= want && c1 - c0 <= want + 2 * n) {
		use_cycle = true;
		cycle_per_tick = n;
		cnt_hz = 1000000000ull;
		*boot_cycles = cycle0;
	}
}

bool clock_counts_instructions(void) { return use_cycle; }

/* A deadline on the clock as the first time CSR value that cannot come
 * before it. Read at cycle c, time is t; it reads t + 1 at some cycle in
 * (c, c + n], t + j after more than c + (j - 1) n: j = 1 + ceil((k - 1) / n)
 * for a deadline k > 0 cycles away. The cycle CSR is read first: a tick
 * between the two readings only makes the answer later. */
static uint64_t to_time(uint64_t deadline)
{
	uint64_t c, t, k, n = cycle_per_tick;

	if (!use_cycle)
		return deadline;
	c = rd_cycle();
	t = rd_time();
	if (deadline <= c)
		return t;
	k = deadline - c;
	if (k > (1ull << 62)) /* past any run: never */
		return UINT64_MAX - 1;
	return t + 1 + (k - 1 + n - 1) / n;
}

void arch_timer_set_cycles(uint64_t deadline)
{
	ledger_add(LEDGER_TIMER);
	if (deadline == UINT64_MAX) {
		csr_clear(sie, IE_STIE);
		return;
	}
	if (use_sstc)
		csr_write(CSR_STIMECMP, to_time(deadline));
	else
		sbi_ecall(SBI_EXT_TIME, 0, to_time(deadline), 0, 0, 0);
	csr_set(sie, IE_STIE);
}

/* Level-triggered (time >= the deadline): masked until re-armed. */
void timer_irq(void)
{
	csr_clear(sie, IE_STIE);
	kernel_timer_interrupt();
}

void timer_init_cpu(void)
{
	csr_clear(sie, IE_STIE);
	if (use_sstc)
		csr_write(CSR_STIMECMP, UINT64_MAX);
}

/* Sstc needs the firmware to have set menvcfg.STCE, or stimecmp is an
 * illegal instruction: try it once. */
int timer_init_bsp(void)
{
	if (!dt.timebase_hz)
		return -ENODEV;
	if (dt.sstc) {
		if (!arch_fault_try()) {
			csr_write(CSR_STIMECMP, UINT64_MAX);
			use_sstc = true;
		}
		arch_fault_end();
	}
	if (!use_sstc && !sbi_has(SBI_EXT_TIME))
		return -ENODEV;
	ksnprintf(describe, sizeof(describe), "timer: %s, clock %s at %lu Hz",
		  use_sstc ? "sstc" : "sbi", use_cycle ? "cycle" : "time", cnt_hz);
	timer_init_cpu();
	return 0;
}

const char *timer_describe(void) { return describe; }
