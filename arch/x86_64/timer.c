/* SPDX-License-Identifier: MIT */
/*
 * TSC frequency discovery and the one-shot deadline timer: TSC-deadline
 * mode when CPUID offers it, else the LAPIC one-shot count, calibrated.
 */
#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

#define PIT_HZ 1193182u

static uint64_t tsc_hz;
static const char *tsc_source = "none";
static bool use_tsc_deadline;
static uint64_t lapic_hz;
static uint64_t lapic_per_tsc_32; /* lapic ticks per TSC cycle, 32.32 fixed point */
static char desc[96];

uint64_t arch_cycles(void)
{
	uint64_t c = rdtsc_ordered();

	return inject_on(INJECT_CYCLES_SKEW) ? inject_cycles_skew(c) : c;
}
uint64_t arch_cycles_raw(void) { return rdtsc(); }
uint64_t arch_cycles_hz(void) { return tsc_hz; }

void timer_set_tsc_hz(uint64_t hz, const char *source)
{
	tsc_hz = hz;
	tsc_source = source;
}

/* TSC cycles elapsed over `ms` milliseconds of PIT channel 2 (mode 0). */
static uint64_t pit_measure(unsigned ms)
{
	uint32_t latch = PIT_HZ * ms / 1000;
	uint64_t t0, t1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01); /* gate on, speaker off */
	outb(0x43, 0xb0);                        /* ch2, lo/hi, mode 0 */
	outb(0x42, latch & 0xff);
	outb(0x42, latch >> 8);
	t0 = rdtsc_ordered();
	while (!(inb(0x61) & 0x20))
		;
	t1 = rdtsc_ordered();
	return t1 - t0;
}

static uint64_t tsc_hz_from_cpuid(void)
{
	uint32_t max = cpuid(0, 0).eax;

	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15, 0);

		if (r.eax && r.ebx && r.ecx) {
			tsc_source = "cpuid-0x15";
			return (uint64_t)r.ecx * r.ebx / r.eax;
		}
	}
	if (max >= 0x16) {
		struct cpuid_regs r = cpuid(0x16, 0);

		if (r.eax & 0xffff) {
			tsc_source = "cpuid-0x16";
			return (uint64_t)(r.eax & 0xffff) * 1000000u;
		}
	}
	return 0;
}

static uint64_t tsc_hz_from_pit(void)
{
	uint64_t best = UINT64_MAX;

	/* The shortest of a few measurements has the least preemption of
	 * the vCPU in it. */
	for (int i = 0; i < 3; i++) {
		uint64_t d = pit_measure(10);

		if (d < best)
			best = d;
	}
	tsc_source = "pit";
	return best * 100;
}

static uint64_t lapic_calibrate(void)
{
	uint64_t t0, span = tsc_hz / 100; /* 10 ms */
	uint32_t left;

	apic_write(APIC_TDCR, 0xb);       /* divide by 1 */
	apic_write(APIC_LVT_TIMER, (1u << 16) | VEC_TIMER);
	apic_write(APIC_TMICT, 0xffffffffu);
	t0 = rdtsc_ordered();
	while (rdtsc_ordered() - t0 < span)
		;
	left = apic_read(APIC_TMCCT);
	apic_write(APIC_TMICT, 0);
	return (uint64_t)(0xffffffffu - left) * 100;
}

void timer_init_bsp(bool allow_tsc_deadline)
{
	if (!tsc_hz)
		tsc_hz = tsc_hz_from_cpuid();
	if (!tsc_hz)
		tsc_hz = tsc_hz_from_pit();
	use_tsc_deadline = allow_tsc_deadline &&
			   (cpuid(1, 0).ecx & CPUID1_ECX_TSC_DEADLINE);
	if (!use_tsc_deadline) {
		lapic_hz = lapic_calibrate();
		lapic_per_tsc_32 = (lapic_hz << 32) / tsc_hz;
	}
	ksnprintf(desc, sizeof(desc), "tsc %lu kHz (%s), %s",
		  tsc_hz / 1000, tsc_source,
		  use_tsc_deadline ? "tsc-deadline" : "lapic one-shot");
}

const char *timer_describe(void) { return desc; }

void timer_init_cpu(void)
{
	if (use_tsc_deadline) {
		apic_write(APIC_LVT_TIMER, VEC_TIMER | (2u << 17));
		wrmsr(MSR_TSC_DEADLINE, 0);
	} else {
		apic_write(APIC_TDCR, 0xb);
		apic_write(APIC_LVT_TIMER, VEC_TIMER); /* one-shot */
		apic_write(APIC_TMICT, 0);
	}
}

void arch_timer_set_cycles(uint64_t deadline)
{
	if (use_tsc_deadline) {
		/* 0 would disarm: an already-due deadline becomes 1. */
		ledger_add(LEDGER_TIMER);
		__wrmsr(MSR_TSC_DEADLINE,
			deadline == UINT64_MAX ? 0 : (deadline ? deadline : 1));
		return;
	}
	if (deadline == UINT64_MAX) {
		apic_write_as(LEDGER_TIMER, APIC_TMICT, 0);
		return;
	}
	uint64_t now = rdtsc(), ticks = 1;

	if (deadline > now)
		ticks = (uint64_t)(((unsigned __int128)(deadline - now) *
				  lapic_per_tsc_32) >> 32);
	/* Too far away for the 32-bit count: fire early, the kernel re-arms. */
	apic_write_as(LEDGER_TIMER, APIC_TMICT,
		      ticks ? (ticks > 0xffffffffu ? 0xffffffffu : ticks) : 1);
}
