/* SPDX-License-Identifier: MIT */
/*
 * Floors, measured in the same boot as the scheduler benchmarks: the cost
 * of a timestamp, a null exit to the hypervisor, a self IPI, a one-way
 * cross-vCPU IPI, and a raw one-shot timer's lateness, all without the
 * scheduler in the path (hooks run straight from the interrupt handler).
 */
#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/bench/pin.h"
#include "guest/percpu.h"

#define SEC 1000000000ull

static void timestamp_run(struct bench_ctx *c)
{
	for (unsigned i = 0; i < c->iters; i++) {
		uint64_t a = bench_now(), b = bench_now();

		bench_sample(c, b - a);
	}
}

static void null_exit_run(struct bench_ctx *c)
{
	for (unsigned i = 0; i < c->iters; i++) {
		uint64_t a = bench_now();

		virt->null_exit();
		bench_sample(c, bench_now() - a);
	}
}

/* ---- IPIs: a hook on the receiving vCPU stamps the arrival ---- */

struct ping {
	volatile uint64_t sent, arrived;
	volatile int flag;
	unsigned home;       /* vCPU to answer, for the remote round */
};
static struct ping ping;

static void ping_self_hook(void)
{
	ping.arrived = bench_now();
	ping.flag = 1;
}

/* Wait for *flag with IRQs off between halts, as an idle vCPU waits: the
 * interrupt (already pending or due) ends the halt. Called with IRQs off;
 * bounded by the scheduler's own timer if ours was lost. */
static bool halt_until(volatile int *flag, uint64_t timeout_ns)
{
	uint64_t t0 = virt_clock_ns();

	while (!*flag) {
		if (virt_clock_ns() - t0 > timeout_ns)
			return false;
		arch_wait_for_irq();
	}
	return true;
}

static void ipi_self_body(void *arg)
{
	struct bench_ctx *c = arg;
	unsigned self = this_cpu()->id; /* pinned: stays */

	cpu_get(self)->ping_hook = ping_self_hook;
	for (unsigned i = 0; i < c->iters; i++) {
		unsigned long f = arch_irq_save();
		bool ok;

		ping.flag = 0;
		ping.sent = bench_now();
		virt_send_ipi(self, IPI_PING);
		ok = halt_until(&ping.flag, SEC);
		arch_irq_restore(f);
		if (!ok)
			break;
		bench_sample(c, ping.arrived - ping.sent);
	}
	cpu_get(self)->ping_hook = NULL;
}

static void ipi_self_run(struct bench_ctx *c)
{
	bench_on_cpu(bench_cpu_a(), ipi_self_body, c);
}

static void ping_remote_hook(void)
{
	ping.arrived = bench_now();
	ping.flag = 1;
}

/* One way, sender to the idle receiver's handler: both stamps are TSC
 * reads on different vCPUs (the clock suite checks they agree). */
static void ipi_remote_body(void *arg)
{
	struct bench_ctx *c = arg;
	unsigned b = bench_cpu_b();

	cpu_get(b)->ping_hook = ping_remote_hook;
	for (unsigned i = 0; i < c->iters; i++) {
		ping.flag = 0;
		/* Let the receiver go idle again before each send. */
		for (uint64_t t = bench_now(); bench_now() - t < bench_ns_to_cycles(20000);)
			arch_cpu_relax();
		ping.sent = bench_now();
		virt_send_ipi(b, IPI_PING);
		if (!bench_wait_flag(&ping.flag, SEC))
			break;
		bench_sample(c, ping.arrived - ping.sent);
	}
	cpu_get(b)->ping_hook = NULL;
}

static void ipi_remote_run(struct bench_ctx *c)
{
	bench_on_cpu(bench_cpu_a(), ipi_remote_body, c);
}

/* ---- raw timer: deadline to the interrupt handler ---- */

static volatile uint64_t shot_ns;
static volatile int shot_flag;

static void shot_hook(void)
{
	shot_ns = virt_clock_ns();
	shot_flag = 1;
}

static void timer_raw_body(void *arg)
{
	struct bench_ctx *c = arg;

	for (unsigned i = 0, misses = 0; i < c->iters && misses < 10;) {
		unsigned long f = arch_irq_save();
		uint64_t deadline = virt_clock_ns() + c->param;

		bool ok;

		shot_flag = 0;
		this_cpu()->timer_hook = shot_hook;
		virt_set_deadline(deadline);
		ok = halt_until(&shot_flag, SEC);
		arch_irq_restore(f);
		if (!ok) {
			misses++; /* re-armed by someone else: try again */
			continue;
		}
		uint64_t late = shot_ns > deadline ? shot_ns - deadline : 0;

		bench_sample(c, bench_ns_to_cycles(late));
		i++;
	}
}

static void timer_raw_run(struct bench_ctx *c)
{
	bench_on_cpu(bench_cpu_a(), timer_raw_body, c);
}

const struct bench bench_floors[] = {
	{"timestamp", "back-to-back ordered timestamps", NULL, timestamp_run,
	 NULL, 20000, 0, 1, 0},
	{"null_exit", "one null exit to the hypervisor", NULL, null_exit_run,
	 NULL, 2000, 0, 1, 0},
	{"ipi_self", "self IPI: send to handler", NULL, ipi_self_run, NULL,
	 5000, 0, 1, 0},
	{"ipi_remote", "IPI to an idle vCPU: send to its handler (one way)",
	 NULL, ipi_remote_run, NULL, 5000, 0, 2, 0},
	{"timer_raw", "one-shot timer 100 us out: deadline to handler", NULL,
	 timer_raw_run, NULL, 2000, 100000, 1, 0},
};
const unsigned bench_floors_count = ARRAY_SIZE(bench_floors);
