/* SPDX-License-Identifier: MIT */
/*
 * Benchmark runner: selection, iteration counts, timestamp conversion, the
 * report (a human table, BENCH and BENCHHIST lines), and host marks so hv
 * can count the KVM exits of each benchmark.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/mm/heap.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"

static uint64_t ns_per_cyc_32, cyc_per_ns_32, ts_cost_cyc;

uint64_t bench_now(void) { return arch_cycles(); }

uint64_t bench_cycles_to_ns(uint64_t c)
{
	return (uint64_t)(((unsigned __int128)c * ns_per_cyc_32) >> 32);
}

uint64_t bench_ns_to_cycles(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * cyc_per_ns_32) >> 32);
}

bool bench_wait_flag(volatile int *flag, uint64_t timeout_ns)
{
	uint64_t t0 = virt_clock_ns();

	while (!*flag) {
		if (virt_clock_ns() - t0 > timeout_ns)
			return false;
		arch_cpu_relax();
	}
	return true;
}

unsigned bench_cpu_a(void) { return 0; }
unsigned bench_cpu_b(void) { return cpu_count() > 1 ? 1 : 0; }

static void clock_setup(void)
{
	uint64_t hz = arch_cycles_hz(), best = UINT64_MAX;

	ns_per_cyc_32 = (1000000000ull << 32) / hz;
	cyc_per_ns_32 = hz < (1ull << 32) ? (hz << 32) / 1000000000ull
					  : (hz / 1000000000ull) << 32;
	/* Cost of one timestamp: the cheapest of back-to-back pairs. */
	for (int i = 0; i < 1000; i++) {
		uint64_t a = bench_now(), b = bench_now();

		best = MIN(best, b - a);
	}
	ts_cost_cyc = best;
}

static const char *idle_policy(void) { return option_str("idle"); }

static void print_json(const struct bench *b, const struct hist *h, unsigned mark)
{
	static const uint32_t ppm[] = {500000, 900000, 990000, 999000};
	uint64_t q[4];

	for (int i = 0; i < 4; i++)
		q[i] = hist_quantile_ppm(h, ppm[i]);
	kprintf("BENCH {\"name\":\"%s\",\"guest\":\"vsched\",\"virt\":\"%s\","
		"\"vcpus\":%u,\"n\":%lu,\"unit\":\"ns\",\"min\":%lu,\"p50\":%lu,"
		"\"p90\":%lu,\"p99\":%lu,\"p999\":%lu,\"max\":%lu,\"mean\":%lu,"
		"\"cycles\":{\"min\":%lu,\"p50\":%lu,\"p90\":%lu,\"p99\":%lu,"
		"\"p999\":%lu,\"max\":%lu},\"ts_cost_ns\":%lu,\"clock\":\"%s\","
		"\"cycles_hz\":%lu,\"idle\":\"%s\",\"slice_us\":%lu,\"mark\":%u,"
		"\"what\":\"%s\"}\n",
		b->name, virt->name, cpu_count(), h->n,
		bench_cycles_to_ns(h->min), bench_cycles_to_ns(q[0]),
		bench_cycles_to_ns(q[1]), bench_cycles_to_ns(q[2]),
		bench_cycles_to_ns(q[3]), bench_cycles_to_ns(h->max),
		bench_cycles_to_ns(h->n ? h->sum / h->n : 0), h->min, q[0], q[1],
		q[2], q[3], h->max, bench_cycles_to_ns(ts_cost_cyc),
		arch_counter_name, arch_cycles_hz(), idle_policy(), sched_slice_ns / 1000, mark,
		b->what);
}

static void print_hist(const struct bench *b, const struct hist *h)
{
	char line[480];
	int len = ksnprintf(line, sizeof(line), "BENCHHIST {\"name\":\"%s\","
			    "\"guest\":\"vsched\",\"buckets\":[", b->name);
	bool first = true;

	/* Long histograms go out as several lines with the same name. */
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (!h->count[i])
			continue;
		if (len > (int)sizeof(line) - 48) {
			kprintf("%s]}\n", line);
			len = ksnprintf(line, sizeof(line), "BENCHHIST {\"name\":\"%s\","
					"\"guest\":\"vsched\",\"buckets\":[", b->name);
			first = true;
		}
		len += ksnprintf(line + len, sizeof(line) - len, "%s[%lu,%u]",
				 first ? "" : ",", bench_cycles_to_ns(hist_bucket_low(i)),
				 h->count[i]);
		first = false;
	}
	kprintf("%s]}\n", line);
}

static void print_row(const struct bench *b, const struct hist *h)
{
	kprintf("  %-18s %8lu %9lu %9lu %9lu %9lu %9lu %10lu  (ns; p50 %lu cycles)\n",
		b->name, h->n, bench_cycles_to_ns(h->min),
		bench_cycles_to_ns(hist_quantile_ppm(h, 500000)),
		bench_cycles_to_ns(hist_quantile_ppm(h, 900000)),
		bench_cycles_to_ns(hist_quantile_ppm(h, 990000)),
		bench_cycles_to_ns(hist_quantile_ppm(h, 999000)),
		bench_cycles_to_ns(h->max), hist_quantile_ppm(h, 500000));
}

static unsigned iterations_for(const struct bench *b)
{
	uint64_t n = b->iterations, pct = option_u64("bench_pct");

	if (option_bool("quick"))
		n = MAX(n / 20, 20u);
	return (unsigned)MAX(n * pct / 100, 10u);
}

/* Runs one benchmark; returns 0, 1 if it failed, -1 if skipped. */
static int run_one(const struct bench *b, unsigned mark)
{
	struct bench_ctx *c = kzalloc(sizeof(*c));
	int rc;

	if (!c)
		return 1;
	if (cpu_count() < b->min_cpus) {
		kprintf("BENCH_SKIP %s: needs %u vCPUs\n", b->name, b->min_cpus);
		kfree(c);
		return -1;
	}
	hist_init(&c->hist);
	c->iters = iterations_for(b);
	c->param = b->param;
	kprintf("bench: %s (%u samples: %s)\n", b->name, c->iters, b->what);
	rc = b->setup ? b->setup(c) : 0;
	if (rc == 0) {
		if (virt->bench_mark)
			virt->bench_mark(2 * mark);
		b->run(c);
		if (virt->bench_mark)
			virt->bench_mark(2 * mark + 1);
		if (b->teardown)
			b->teardown(c);
		print_row(b, &c->hist);
		print_json(b, &c->hist, mark);
		print_hist(b, &c->hist);
	} else {
		kprintf("BENCH_SKIP %s: setup returned %d\n", b->name, rc);
	}
	rc = rc == -ENODEV ? -1 : (rc || c->hist.n < c->iters / 2);
	if (rc == 1)
		kprintf("BENCH_FAIL %s: %lu of %u samples\n", b->name, c->hist.n, c->iters);
	kfree(c);
	return rc;
}

static bool wanted(const char *spec, const char *name)
{
	return !strcmp(spec, "all") || cmdline_list_has(spec, name);
}

/* The names bench= accepts: those of the tables bench_run() runs. */
const char *bench_name(unsigned i)
{
	if (i < bench_floors_count)
		return bench_floors[i].name;
	i -= bench_floors_count;
	return i < bench_sched_count ? bench_sched[i].name : NULL;
}

int bench_run(const char *spec)
{
	const struct { const struct bench *t; unsigned n; } tabs[] = {
		{bench_floors, bench_floors_count}, {bench_sched, bench_sched_count}};
	unsigned mark = 1, failed = 0, ran = 0;

	clock_setup();
	kprintf("bench: virt %s, %u vCPUs, cycles %lu Hz, timestamp cost %lu ns, "
		"idle=%s, slice %lu us\n", virt->name, cpu_count(), arch_cycles_hz(),
		bench_cycles_to_ns(ts_cost_cyc), idle_policy(), sched_slice_ns / 1000);
	kprintf("  %-18s %8s %9s %9s %9s %9s %9s %10s\n", "benchmark", "n", "min",
		"p50", "p90", "p99", "p99.9", "max");
	for (unsigned t = 0; t < ARRAY_SIZE(tabs); t++)
		for (unsigned i = 0; i < tabs[t].n; i++, mark++) {
			const struct bench *b = &tabs[t].t[i];

			if (!wanted(spec, b->name))
				continue;
			int rc = run_one(b, mark);

			failed += rc == 1;
			ran += rc >= 0;
		}
	if (!ran && strcmp(spec, "all")) {
		kprintf("BENCH_FAIL selection: no benchmark named in '%s'\n", spec);
		failed++;
	}
	kprintf("BENCH_DONE %u ran, %u failed\n", ran, failed);
	return (int)failed;
}
