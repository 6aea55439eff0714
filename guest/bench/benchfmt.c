/* SPDX-License-Identifier: MIT */
/* The BENCH and BENCHHIST line formats (guest/bench/benchfmt.h). */
#include "guest/bench/benchfmt.h"

static void append(struct benchfmt *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void vappend(struct benchfmt *f, const char *fmt, va_list ap)
{
	int room = BENCHFMT_LINE_MAX + 1 - f->len, n;

	if (room <= 1)
		return;
	n = benchfmt_vsnprintf(f->buf + f->len, (size_t)room, fmt, ap);
	/* A cut field leaves a broken line the lab names as such. */
	f->len += n < room ? n : room - 1;
}

static void append(struct benchfmt *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vappend(f, fmt, ap);
	va_end(ap);
}

void benchfmt_begin(struct benchfmt *f, char *buf, const char *name,
		    const char *guest, unsigned vcpus,
		    const struct bench_figures *g)
{
	f->buf = buf;
	f->len = 0;
	append(f, "BENCH {\"name\":\"%s\",\"guest\":\"%s\",\"vcpus\":%u,"
	       "\"n\":%lu,\"unit\":\"ns\",\"min\":%lu,\"p50\":%lu,\"p90\":%lu,"
	       "\"p99\":%lu,\"p999\":%lu,\"max\":%lu,\"mean\":%lu", name, guest,
	       vcpus, (unsigned long)g->n, (unsigned long)g->min,
	       (unsigned long)g->p50, (unsigned long)g->p90,
	       (unsigned long)g->p99, (unsigned long)g->p999,
	       (unsigned long)g->max, (unsigned long)g->mean);
}

void benchfmt_add(struct benchfmt *f, const char *fmt, ...)
{
	va_list ap;

	append(f, ",");
	va_start(ap, fmt);
	vappend(f, fmt, ap);
	va_end(ap);
}

void benchfmt_end(struct benchfmt *f)
{
	append(f, "}");
	benchfmt_line(f->buf);
}

/* A new BENCHHIST line in f, up to its bucket list's '['. */
static void hist_head(struct benchfmt *f, const char *name, const char *guest)
{
	f->len = 0;
	append(f, "BENCHHIST {\"name\":\"%s\",\"guest\":\"%s\",\"buckets\":[",
	       name, guest);
}

void benchfmt_hist(const char *name, const char *guest, unsigned nb,
		   uint64_t (*low)(unsigned i, const void *arg),
		   uint64_t (*count)(unsigned i, const void *arg),
		   const void *arg)
{
	char buf[BENCHFMT_LINE_MAX + 1];
	struct benchfmt f = {buf, 0};
	bool first = true;

	hist_head(&f, name, guest);
	for (unsigned i = 0; i < nb; i++) {
		uint64_t c = count(i, arg);

		if (!c)
			continue;
		/* A bucket takes at most 44 bytes ("[low,count]" of two
		 * 20-digit numbers, a comma) and the end 2 ("]}"). */
		if (!first && f.len > BENCHFMT_LINE_MAX - 48) {
			append(&f, "]}");
			benchfmt_line(buf);
			hist_head(&f, name, guest);
			first = true;
		}
		append(&f, "%s[%lu,%lu]", first ? "" : ",",
		       (unsigned long)low(i, arg), (unsigned long)c);
		first = false;
	}
	append(&f, "]}"); /* no sample: an empty list */
	benchfmt_line(buf);
}
