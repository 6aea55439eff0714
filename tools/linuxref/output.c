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

/* One line "BENCHHIST {...}" per at most ~480 characters; a long
 * histogram becomes several lines with the same name, as the guest's. */
static void print_hist(const char *name, const struct hist *h)
{
	char line[560];
	const char *head = "BENCHHIST {\"name\":\"%s\",\"guest\":\"linux\",\"buckets\":[";
	int len = snprintf(line, sizeof(line), head, name);
	bool first = true;

	for (unsigned i = 0; i < NBUCKETS; i++) {
		if (!h->count[i])
			continue;
		if (len > 480) {
			printf("%s]}\n", line);
			len = snprintf(line, sizeof(line), head, name);
			first = true;
		}
		len += snprintf(line + len, sizeof(line) - (size_t)len, "%s[%" PRIu64 ",%" PRIu32 "]",
				first ? "" : ",", bucket_low(i), h->count[i]);
		first = false;
	}
	printf("%s]}\n", line);
}

static void print_json(const char *name, const char *what, const struct hist *h,
		       enum clock_kind k)
{
	printf("BENCH {\"name\":\"%s\",\"guest\":\"linux\",\"vcpus\":%u,\"n\":%" PRIu64
	       ",\"unit\":\"ns\",\"min\":%" PRIu64 ",\"p50\":%" PRIu64 ",\"p90\":%" PRIu64
	       ",\"p99\":%" PRIu64 ",\"p999\":%" PRIu64 ",\"max\":%" PRIu64
	       ",\"mean\":%" PRIu64 ",\"ts_cost_ns\":%" PRIu64 ",\"clock\":\"%s\""
	       ",\"kernel\":\"%s\",\"idle\":\"%s\",\"what\":\"%s\"}\n",
	       name, ncpus, h->n, h->n ? h->min : 0, hist_quantile(h, 500000),
	       hist_quantile(h, 900000), hist_quantile(h, 990000),
	       hist_quantile(h, 999000), h->max, h->n ? h->sum / h->n : 0,
	       ts_cost[k], clock_name(k), kernel_release, idle_kind, what);
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
	print_hist(name, h);
	if (h->n < want / 2) {
		printf("BENCH_FAIL %s: %" PRIu64 " of %u samples\n", name, h->n, want);
		failures++;
	}
	fflush(stdout);
}
