/* SPDX-License-Identifier: MIT */
/* tools/linuxref: options, and results in the vsched guest's format. */
#include "tools/linuxref/linuxref.h"

struct options opt = {"all", "auto", false, false, 100};
bool is_init;		/* running as PID 1 */
unsigned ncpus;
char kernel_release[65] = "unknown";
char idle_kind[32] = "halt";
unsigned failures;

/* ------------------------------------------------------------------ */
/* Options and results                                                 */
/* ------------------------------------------------------------------ */

void parse_word(const char *w)
{
	if (!strncmp(w, "bench=", 6))
		snprintf(opt.bench, sizeof(opt.bench), "%s", w + 6);
	else if (!strncmp(w, "clock=", 6))
		snprintf(opt.clock, sizeof(opt.clock), "%s", w + 6);
	else if (!strncmp(w, "bench_pct=", 10))
		opt.pct = (unsigned)strtoul(w + 10, NULL, 10);
	else if (!strcmp(w, "quick"))
		opt.quick = true;
	else if (!strcmp(w, "icount"))
		opt.icount = true;
}

void parse_cmdline(void)
{
	char line[4096];
	char *save = NULL;

	if (!read_line("/proc/cmdline", line, sizeof(line)))
		return;
	for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		parse_word(w);
}

unsigned iterations(unsigned full)
{
	uint64_t n = full;

	if (opt.quick)
		n = n / 20 > 20 ? n / 20 : 20;
	n = n * (opt.pct ? opt.pct : 100) / 100;
	return n > 10 ? (unsigned)n : 10;
}

/* Warm-up rounds run before the recorded ones (caches, lazy paging). */
unsigned warmup(unsigned n)
{
	return n / 50 + 5;
}

/* benchfmt.h's two hooks: libc's formatter and stdout. */
int benchfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vsnprintf(buf, size, fmt, ap);
}

void benchfmt_line(const char *line)
{
	printf("%s\n", line);
}

static uint64_t hist_low(unsigned i, const void *h __unused)
{
	return bucket_low(i);
}

static uint64_t hist_count(unsigned i, const void *h)
{
	return ((const struct hist *)h)->count[i];
}

/* The same BENCH and BENCHHIST lines as the guest's (one formatter,
 * guest/bench/benchfmt.c); a long histogram is several lines. */
static void print_json(const char *name, const char *what, const struct hist *h,
		       enum clock_kind k)
{
	struct bench_figures fig = {
		h->n, h->n ? h->min : 0, hist_quantile(h, 500000),
		hist_quantile(h, 900000), hist_quantile(h, 990000),
		hist_quantile(h, 999000), h->max, h->n ? h->sum / h->n : 0};
	char buf[BENCHFMT_LINE_MAX + 1];
	struct benchfmt f;

	benchfmt_begin(&f, buf, name, "linux", ncpus, &fig);
	benchfmt_add(&f, "\"ts_cost_ns\":%" PRIu64 ",\"clock\":\"%s\",\"kernel\":"
		     "\"%s\",\"idle\":\"%s\",\"what\":\"%s\"", ts_cost[k],
		     clock_name(k), kernel_release, idle_kind, what);
	benchfmt_end(&f);
	benchfmt_hist(name, "linux", NBUCKETS, hist_low, hist_count, h);
}

static void print_row(const char *name, const struct hist *h)
{
	printf("  %-20s %8" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64 " %9" PRIu64
	       " %9" PRIu64 " %10" PRIu64 " %9" PRIu64 "\n",
	       name, h->n, h->n ? h->min : 0, hist_quantile(h, 500000),
	       hist_quantile(h, 900000), hist_quantile(h, 990000),
	       hist_quantile(h, 999000), h->max, h->n ? h->sum / h->n : 0);
}

/* Prints one result; fails it when fewer than half the samples came. */
void report(const char *name, const char *what, const struct hist *h,
		   unsigned want, enum clock_kind k)
{
	print_row(name, h);
	print_json(name, what, h, k);
	if (h->n < want / 2) {
		printf("BENCH_FAIL %s: %" PRIu64 " of %u samples\n", name, h->n, want);
		failures++;
	}
	fflush(stdout);
}
