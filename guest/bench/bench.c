/* SPDX-License-Identifier: MIT */
/*
 * Benchmark runner: selection, iteration counts, timestamp conversion, the
 * report (a human table, BENCH, BENCHLEDGER and BENCHHIST lines), exact
 * quantiles from every sample, the transition ledger of each benchmark,
 * clock errors, and host marks so hv can count the KVM exits.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/bench/benchfmt.h"
#include "guest/ledger.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/lib/sort.h"
#include "guest/mm/heap.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/thread.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_LIST("bench", bench_name, "run benchmarks (BENCH lines)"));
OPTION(OPT_BOOL("quick", false, "benchmarks: 1/20 of the samples"));
OPTION(OPT_NUM("bench_pct", 1, 10000, 100,
	       "benchmarks: percent of the samples"));

static uint64_t ns_per_cyc_32, cyc_per_ns_32, ts_cost_cyc;
uint64_t bench_sane_cycles = UINT64_MAX;

/* Figures of one result: exact from the sorted samples when every sample
 * was kept, else from the histogram (to 1/HIST_SUB). Cycles. */
struct bench_stats {
	uint64_t min, q[4], max, mean; /* q: p50, p90, p99, p99.9 */
	bool exact;
};

/* What the benchmark's window cost in transitions, summed over vCPUs. */
struct bench_ledger {
	uint64_t total[LEDGER_NR];
	uint64_t cpu[MAX_CPUS][LEDGER_NR];
	uint64_t steal[MAX_CPUS]; /* ns stolen from each vCPU meanwhile */
	uint64_t steal_total;
};

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
	bench_sane_cycles = bench_ns_to_cycles(BENCH_SANE_NS);
}

void bench_clock_error(struct bench_ctx *c)
{
	__atomic_fetch_add(&c->clock_errors, 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(&c->clock_error_cpus, 1ull << this_cpu()->id,
			  __ATOMIC_RELAXED);
}

static const uint32_t stat_ppm[4] = {500000, 900000, 990000, 999000};

static void stats_of(struct bench_ctx *c, struct bench_stats *st)
{
	const struct hist *h = &c->hist;

	st->exact = c->samples && c->nsamples == h->n;
	if (st->exact)
		sort_u64(c->samples, c->nsamples);
	for (int i = 0; i < 4; i++)
		st->q[i] = st->exact ? quantile_sorted_ppm(c->samples, h->n, stat_ppm[i])
				     : hist_quantile_ppm(h, stat_ppm[i]);
	st->min = h->n ? h->min : 0;
	st->max = h->max;
	st->mean = h->n ? h->sum / h->n : 0;
}

static void ledger_snapshot(struct bench_ledger *l)
{
	for (unsigned i = 0; i < cpu_count(); i++) {
		for (unsigned k = 0; k < LEDGER_NR; k++)
			l->cpu[i][k] = __atomic_load_n(&cpu_get(i)->ledger[k],
						       __ATOMIC_RELAXED);
		l->steal[i] = virt_steal_ns(i);
	}
}

/* l holds the snapshot before; make it the difference, and total. */
static void ledger_since(struct bench_ledger *l)
{
	for (unsigned k = 0; k < LEDGER_NR; k++)
		l->total[k] = 0;
	l->steal_total = 0;
	for (unsigned i = 0; i < cpu_count(); i++) {
		uint64_t steal = virt_steal_ns(i);

		for (unsigned k = 0; k < LEDGER_NR; k++) {
			l->cpu[i][k] = cpu_get(i)->ledger[k] - l->cpu[i][k];
			l->total[k] += l->cpu[i][k];
		}
		l->steal[i] = steal > l->steal[i] ? steal - l->steal[i] : 0;
		l->steal_total += l->steal[i];
	}
}

static const char *idle_policy(void) { return option_str("idle"); }

static void print_json(const struct bench *b, const struct bench_ctx *c,
		       const struct bench_stats *st, unsigned mark)
{
	const uint64_t *q = st->q;
	struct bench_figures fig = {
		c->hist.n, bench_cycles_to_ns(st->min), bench_cycles_to_ns(q[0]),
		bench_cycles_to_ns(q[1]), bench_cycles_to_ns(q[2]),
		bench_cycles_to_ns(q[3]), bench_cycles_to_ns(st->max),
		bench_cycles_to_ns(st->mean)};
	char buf[BENCHFMT_LINE_MAX + 1];
	struct benchfmt f;

	benchfmt_begin(&f, buf, b->name, "vsched", cpu_count(), &fig);
	benchfmt_add(&f, "\"virt\":\"%s\",\"cycles\":{\"min\":%lu,\"p50\":%lu,"
		     "\"p90\":%lu,\"p99\":%lu,\"p999\":%lu,\"max\":%lu},"
		     "\"exact\":%s,\"clock_errors\":%lu", virt->name, st->min,
		     q[0], q[1], q[2], q[3], st->max,
		     st->exact ? "true" : "false", c->clock_errors);
	benchfmt_add(&f, "\"ts_cost_ns\":%lu,\"clock\":\"%s\",\"clock_traps\":%s,"
		     "\"cycles_hz\":%lu,\"idle\":\"%s\",\"slice_us\":%lu,"
		     "\"mark\":%u,\"what\":\"%s\"", bench_cycles_to_ns(ts_cost_cyc),
		     arch_counter_name, ledger_tsc_traps ? "true" : "false",
		     arch_cycles_hz(), idle_policy(), thread_slice_ns() / 1000,
		     mark, b->what);
	benchfmt_end(&f);
}

/* benchfmt.h's two hooks: the guest's formatter and console. */
int benchfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return kvsnprintf(buf, size, fmt, ap);
}

void benchfmt_line(const char *line)
{
	kprintf("%s\n", line);
}

/* One line of counts: "cpu":-1 is the sum, then each vCPU with any; and
 * the ns the hypervisor stole from those vCPUs meanwhile ("steal_ns",
 * here and not in the BENCH line, which is near the console's 511-byte
 * line limit). */
static void print_ledger_line(const char *name, int cpu, uint64_t n,
			      const uint64_t v[LEDGER_NR], uint64_t steal)
{
	char line[440];
	int len = ksnprintf(line, sizeof(line), "BENCHLEDGER {\"name\":\"%s\","
			    "\"cpu\":%d,\"n\":%lu", name, cpu, n);

	for (unsigned k = 0; k < LEDGER_NR; k++)
		len += ksnprintf(line + len, sizeof(line) - len, ",\"%s\":%lu",
				 ledger_names[k], v[k]);
	kprintf("%s,\"steal_ns\":%lu}\n", line, steal);
}

/* The table's second line: transitions per operation, the kinds seen. */
static void print_ledger(const struct bench *b, uint64_t n,
			 const struct bench_ledger *l)
{
	char line[240];
	int len = 0;

	print_ledger_line(b->name, -1, n, l->total, l->steal_total);
	for (unsigned i = 0; i < cpu_count(); i++) {
		uint64_t any = l->steal[i];

		for (unsigned k = 0; k < LEDGER_NR; k++)
			any |= l->cpu[i][k];
		if (any)
			print_ledger_line(b->name, (int)i, n, l->cpu[i],
					  l->steal[i]);
	}
	line[0] = 0;
	for (unsigned k = 0; k < LEDGER_NR && n; k++) {
		uint64_t per100 = (l->total[k] * 100 + n / 2) / n;

		if (l->total[k])
			len += ksnprintf(line + len, sizeof(line) - len, " %s %lu.%02lu",
					 ledger_names[k], per100 / 100, per100 % 100);
	}
	kprintf("  %-18s transitions/op:%s%s\n", "", line[0] ? line : " none",
		ledger_tsc_traps ? " (the clock itself traps: tsc)" : "");
	if (l->steal_total)
		kprintf("  %-18s steal: %lu us over all vCPUs while it ran\n",
			"", l->steal_total / 1000);
}

static void print_clock_errors(const struct bench *b, const struct bench_ctx *c)
{
	char cpus[200];
	int len = 0;

	if (!c->clock_errors)
		return;
	cpus[0] = 0;
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (c->clock_error_cpus & (1ull << i))
			len += ksnprintf(cpus + len, sizeof(cpus) - len, "%s%u",
					 len ? "," : "", i);
	kprintf("BENCH_CLOCK_ERROR %s: %lu samples refused (end before start, or"
		" over %lu s), recorded on vCPUs %s\n", b->name, c->clock_errors,
		(uint64_t)(BENCH_SANE_NS / 1000000000ull), cpus);
}

static uint64_t hist_low_ns(unsigned i, const void *h)
{
	return bench_cycles_to_ns(hist_bucket_low(i));
}

static uint64_t hist_count(unsigned i, const void *h)
{
	return ((const struct hist *)h)->count[i];
}

static void print_hist(const struct bench *b, const struct hist *h)
{
	benchfmt_hist(b->name, "vsched", HIST_BUCKETS, hist_low_ns, hist_count,
		      h);
}

static void print_row(const struct bench *b, const struct bench_ctx *c,
		      const struct bench_stats *st)
{
	kprintf("  %-18s %8lu %9lu %9lu %9lu %9lu %9lu %10lu  (ns; p50 %lu cycles%s)\n",
		b->name, c->hist.n, bench_cycles_to_ns(st->min),
		bench_cycles_to_ns(st->q[0]), bench_cycles_to_ns(st->q[1]),
		bench_cycles_to_ns(st->q[2]), bench_cycles_to_ns(st->q[3]),
		bench_cycles_to_ns(st->max), st->q[0],
		st->exact ? "" : "; from the histogram");
}

static unsigned iterations_for(const struct bench *b)
{
	uint64_t n = b->iterations, pct = option_u64("bench_pct");

	if (option_bool("quick"))
		n = MAX(n / 20, 20u);
	return (unsigned)MAX(n * pct / 100, 10u);
}

/* Measures b in c, the ledger around the run (between the host marks). */
static void measure(const struct bench *b, struct bench_ctx *c, unsigned mark,
		    struct bench_ledger *l)
{
	if (virt->bench_mark)
		virt->bench_mark(2 * mark);
	ledger_snapshot(l);
	b->run(c);
	ledger_since(l);
	if (virt->bench_mark)
		virt->bench_mark(2 * mark + 1);
}

static void report(const struct bench *b, struct bench_ctx *c, unsigned mark,
		   const struct bench_ledger *l)
{
	struct bench_stats st;

	stats_of(c, &st);
	print_row(b, c, &st);
	print_ledger(b, c->hist.n, l);
	print_clock_errors(b, c);
	print_json(b, c, &st, mark);
	print_hist(b, &c->hist);
	if (c->ops && c->ops_ns) {
		uint64_t per_s = c->ops * 1000000000ull / c->ops_ns;

		kprintf("  %-18s throughput: %lu ops/s (%lu in %lu us)\n", "",
			per_s, c->ops, c->ops_ns / 1000);
		kprintf("BENCHRATE {\"name\":\"%s\",\"ops\":%lu,\"ns\":%lu,"
			"\"ops_per_s\":%lu}\n", b->name, c->ops, c->ops_ns, per_s);
	}
}

/* Runs one benchmark; returns 0, 1 if it failed, -1 if skipped. */
static int run_one(const struct bench *b, unsigned mark)
{
	struct bench_ctx *c = kzalloc(sizeof(*c));
	struct bench_ledger *l = kzalloc(sizeof(*l));
	int rc;

	if (!c || !l) {
		kfree(c);
		kfree(l);
		return 1;
	}
	if (cpu_count() < b->min_cpus) {
		kprintf("BENCH_SKIP %s: needs %u vCPUs\n", b->name, b->min_cpus);
		kfree(c);
		kfree(l);
		return -1;
	}
	hist_init(&c->hist);
	c->iters = iterations_for(b);
	c->param = b->param;
	/* Room for every sample (some benchmarks take a few more than
	 * iters); without it, quantiles come from the histogram. */
	c->cap = c->iters + c->iters / 4 + 16;
	c->samples = kmalloc(c->cap * sizeof(*c->samples));
	if (!c->samples)
		c->cap = 0;
	if (b->ns_per_iter)
		kprintf("bench: %s (for %lu ms: %s)\n", b->name,
			c->iters * b->ns_per_iter / 1000000, b->what);
	else
		kprintf("bench: %s (%u samples: %s)\n", b->name, c->iters,
			b->what);
	rc = b->setup ? b->setup(c) : 0;
	if (rc == 0) {
		measure(b, c, mark, l);
		if (b->teardown)
			b->teardown(c);
		report(b, c, mark, l);
	} else {
		kprintf("BENCH_SKIP %s: setup returned %d\n", b->name, rc);
	}
	rc = rc == -ENODEV ? -1
	     : (rc || c->hist.n < (b->ns_per_iter ? 1 : c->iters / 2));
	if (rc == 1)
		kprintf("BENCH_FAIL %s: %lu of %u samples\n", b->name, c->hist.n, c->iters);
	kfree(c->samples);
	kfree(c);
	kfree(l);
	return rc;
}

static bool wanted(const char *spec, const char *name)
{
	return !strcmp(spec, "all") || cmdline_list_has(spec, name);
}

static const struct {
	const struct bench *t;
	const unsigned *n;
	bool in_all; /* bench=all runs it */
} tabs[] = {
	{bench_floors, &bench_floors_count, true},
	{bench_sched, &bench_sched_count, true},
	{bench_domains, &bench_domains_count, true},
	{bench_overcommit, &bench_overcommit_count, false},
	{bench_tput, &bench_tput_count, false},
};

/* The names bench= accepts: those of the tables bench_run() runs. */
const char *bench_name(unsigned i)
{
	for (unsigned t = 0; t < ARRAY_SIZE(tabs); t++) {
		if (i < *tabs[t].n)
			return tabs[t].t[i].name;
		i -= *tabs[t].n;
	}
	return NULL;
}

/* Whether bench= spec selects b of table t: all takes the tables marked
 * in_all, a list names any benchmark. */
static bool selected(const char *spec, unsigned t, const struct bench *b)
{
	return tabs[t].in_all ? wanted(spec, b->name)
			      : cmdline_list_has(spec, b->name);
}

/* "BENCHLIST a,b,..." lines: every benchmark this run tries, in order,
 * before the first runs, so the host knows what to expect (a skipped one
 * says BENCH_SKIP) without a copy of the list. Lines stay well under the
 * console's 511 bytes. */
static void print_list(const char *spec)
{
	char line[256];
	int len = 0;

	for (unsigned t = 0; t < ARRAY_SIZE(tabs); t++)
		for (unsigned i = 0; i < *tabs[t].n; i++) {
			const struct bench *b = &tabs[t].t[i];

			if (!selected(spec, t, b))
				continue;
			if (len && len + strlen(b->name) + 2 > 200) {
				kprintf("BENCHLIST %s\n", line);
				len = 0;
			}
			len += ksnprintf(line + len, sizeof(line) - len, "%s%s",
					 len ? "," : "", b->name);
		}
	if (len)
		kprintf("BENCHLIST %s\n", line);
}

int bench_run(const char *spec)
{
	unsigned mark = 1, failed = 0, ran = 0;

	clock_setup();
	kprintf("bench: virt %s, %u vCPUs, cycles %lu Hz, timestamp cost %lu ns, "
		"idle=%s, slice %lu us\n", virt->name, cpu_count(), arch_cycles_hz(),
		bench_cycles_to_ns(ts_cost_cyc), idle_policy(),
		thread_slice_ns() / 1000);
	print_list(spec);
	kprintf("  %-18s %8s %9s %9s %9s %9s %9s %10s\n", "benchmark", "n", "min",
		"p50", "p90", "p99", "p99.9", "max");
	for (unsigned t = 0; t < ARRAY_SIZE(tabs); t++)
		for (unsigned i = 0; i < *tabs[t].n; i++, mark++) {
			const struct bench *b = &tabs[t].t[i];

			if (!selected(spec, t, b))
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
