/* SPDX-License-Identifier: MIT */
/*
 * The BENCH and BENCHHIST line formats, one copy for the guest
 * (guest/bench/bench.c) and the Linux reference (tools/linuxref/output.c),
 * whose lines the lab reads alike (tools/lablib/console.py). Freestanding:
 * each side provides benchfmt_vsnprintf() and benchfmt_line() (its
 * formatter and its console).
 */
#ifndef GUEST_BENCH_BENCHFMT_H
#define GUEST_BENCH_BENCHFMT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Both consoles cut lines at 511 bytes; the lines stay below this. */
#define BENCHFMT_LINE_MAX 500

/* One result's figures, in ns. */
struct bench_figures {
	uint64_t n, min, p50, p90, p99, p999, max, mean;
};

/* Provided by each side. */
int benchfmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
void benchfmt_line(const char *line); /* writes line and a newline */

/* A BENCH line being built in buf (BENCHFMT_LINE_MAX + 1 bytes). */
struct benchfmt {
	char *buf;
	int len;
};

/* Starts 'BENCH {"name":..,"guest":..,"vcpus":..,"n":..,"unit":"ns",
 * "min":..,"p50":..,"p90":..,"p99":..,"p999":..,"max":..,"mean":..'. */
void benchfmt_begin(struct benchfmt *f, char *buf, const char *name,
		    const char *guest, unsigned vcpus,
		    const struct bench_figures *fig);
/* Appends ',' and the formatted fields (each side's own: '"k":v,...'). */
void benchfmt_add(struct benchfmt *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Closes the object and writes the line. */
void benchfmt_end(struct benchfmt *f);

/* The histogram: 'BENCHHIST {"name":..,"guest":..,"buckets":[[low,count],
 * ...]}' for every bucket i < nb with count(i) > 0 (low(i): its lower bound
 * in ns), as several lines with the same name when long. */
void benchfmt_hist(const char *name, const char *guest, unsigned nb,
		   uint64_t (*low)(unsigned i, const void *arg),
		   uint64_t (*count)(unsigned i, const void *arg),
		   const void *arg);

#endif
