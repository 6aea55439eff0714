/* SPDX-License-Identifier: MIT */
/*
 * The plain-hardware backend: clock from the cycle counter at its known or
 * calibrated frequency, deadlines and IPIs through the arch interrupt
 * controller, console on the arch UART, exit through the debug-exit port.
 * Also the fallbacks the PV backends use for what they switch off.
 */
#include "arch.h"
#include "virt.h"
#include "virt/none/none.h"
#include "guest/lib/printf.h"

static uint64_t cycles0;      /* cycle counter at clock zero */
static uint64_t ns_per_cycle_32;  /* 32.32 fixed point */
static uint64_t cycles_per_ns_32; /* 32.32 fixed point */

void none_clock_init(void)
{
	uint64_t hz = arch_cycles_hz();

	cycles0 = arch_cycles();
	ns_per_cycle_32 = (1000000000ull << 32) / hz;
	cycles_per_ns_32 = hz < (1ull << 32) ? (hz << 32) / 1000000000ull
					     : (hz / 1000000000ull) << 32;
}

static uint64_t cycles_to_ns(uint64_t c)
{
	return (uint64_t)(((unsigned __int128)(c - cycles0) * ns_per_cycle_32) >>
			  32);
}

uint64_t none_clock_ns(void)
{
	return cycles_to_ns(arch_cycles());
}

uint64_t none_ns_to_cycles(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * cycles_per_ns_32) >> 32);
}

/* Deadline in clock ns -> cycle-counter deadline, given a clock reader;
 * NULL: none_clock_ns(), from the same cycle-counter reading. */
void none_set_deadline_with(uint64_t deadline_ns, uint64_t (*clock)(void))
{
	if (deadline_ns == VIRT_NO_DEADLINE) {
		arch_timer_set_cycles(UINT64_MAX);
		return;
	}
	uint64_t c = arch_cycles(), now = clock ? clock() : cycles_to_ns(c);

	arch_timer_set_cycles(deadline_ns <= now ? c : c + none_ns_to_cycles(deadline_ns - now));
}

static bool none_detect(void) { return true; }

static void none_init(void)
{
	/* The cycle frequency is known once arch_init() ran; the clock base
	 * is set in cpu_init on the boot CPU. */
}

void none_cpu_init_clock(void)
{
	if (!cycles0)
		none_clock_init();
}

static void none_cpu_init(void) { none_cpu_init_clock(); }

static void none_set_deadline(uint64_t deadline_ns)
{
	none_set_deadline_with(deadline_ns, NULL);
}

static void none_send_ipi(unsigned cpu, enum ipi_kind k) { arch_ipi_send(cpu, k); }
static void none_send_ipi_others(enum ipi_kind k) { arch_ipi_send_others(k); }
static void none_console_write(const char *s, size_t n) { arch_console_write(s, n); }
static __noreturn void none_shutdown(int code) { arch_exit(code); }

static void none_describe(void)
{
	kprintf("vsched: virt none: clock from the cycle counter (%lu Hz), "
		"interrupt-controller IPIs\n", arch_cycles_hz());
}

const struct virt_ops virt_ops_none = {
	.name = "none",
	.detect = none_detect,
	.init = none_init,
	.cpu_init = none_cpu_init,
	.clock_ns = none_clock_ns,
	.set_deadline = none_set_deadline,
	.send_ipi = none_send_ipi,
	.send_ipi_others = none_send_ipi_others,
	.console_write = none_console_write,
	.shutdown = none_shutdown,
	.describe = none_describe,
	.null_exit = arch_null_exit,
	.null_exit_name = arch_null_exit_name,
};
