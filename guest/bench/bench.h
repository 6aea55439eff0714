/* SPDX-License-Identifier: MIT */
/*
 * The benchmark table: {name, setup, run, teardown, iterations}, selected
 * with bench=all|NAME,... Each run records one sample per iteration (in
 * cycles) into a histogram; the runner prints min/p50/p90/p99/p99.9/max in
 * ns and cycles, a BENCH {json} line and a BENCHHIST line per result.
 */
#ifndef GUEST_BENCH_BENCH_H
#define GUEST_BENCH_BENCH_H

#include "types.h"
#include "guest/bench/hist.h"

struct bench_ctx {
	unsigned iters;      /* samples wanted */
	struct hist hist;    /* samples, in cycles */
	uint64_t *samples;   /* every sample too (exact quantiles), or NULL */
	unsigned nsamples, cap;
	uint64_t clock_errors;     /* samples refused: end before start, or huge */
	uint64_t clock_error_cpus; /* bit per vCPU that recorded one */
	uint64_t param;      /* the table entry's parameter (e.g. period) */
	uint64_t ops, ops_ns; /* a throughput, if run sets it: ops in ops_ns
			       * (a BENCHRATE line) */
	void *priv;          /* setup's state for run and teardown */
};

struct bench {
	const char *name;
	const char *what;    /* what one sample is */
	/* 0, or -ENODEV to skip (reason printed by setup), -errno on error */
	int (*setup)(struct bench_ctx *c);
	void (*run)(struct bench_ctx *c);
	void (*teardown)(struct bench_ctx *c);
	unsigned iterations; /* full mode; quick mode takes 1/20 */
	uint64_t param;
	unsigned min_cpus;
	/* Runs for a time (iterations scale it), taking what samples fit:
	 * one is enough, and the header gives the time, not a count. */
	uint64_t ns_per_iter;
};

/* Ordered timestamp in cycles (arch_cycles): the clock of every sample. */
uint64_t bench_now(void);
uint64_t bench_cycles_to_ns(uint64_t cycles);
uint64_t bench_ns_to_cycles(uint64_t ns);
/* Largest sample believed (cycles in BENCH_SANE_NS); set by bench_run(). */
#define BENCH_SANE_NS (10ull * 1000 * 1000 * 1000)
extern uint64_t bench_sane_cycles;
void bench_clock_error(struct bench_ctx *c);
/* Record one sample: the unsigned difference end - start of two
 * timestamps (cycles); samples of 0 are kept. A difference that is
 * "negative" (a clock that stepped back between two vCPUs or under a
 * hypervisor) or beyond BENCH_SANE_NS is no latency: it is counted as a
 * clock error and reported beside the figures, never recorded. */
static inline void bench_sample(struct bench_ctx *c, uint64_t cycles)
{
	if (cycles > bench_sane_cycles) {
		bench_clock_error(c);
		return;
	}
	hist_add(&c->hist, cycles);
	if (c->nsamples < c->cap)
		c->samples[c->nsamples++] = cycles;
}
/* Busy-wait until *flag != 0 or timeout_ns; false on timeout. */
bool bench_wait_flag(volatile int *flag, uint64_t timeout_ns);
/* vCPUs a two-CPU benchmark uses: distinct when there are two. */
unsigned bench_cpu_a(void);
unsigned bench_cpu_b(void);

/* Run the benchmarks named in spec ("all" or a list); returns the number
 * that failed to run (not skipped ones). */
int bench_run(const char *spec);
/* Name of benchmark i (what bench= accepts), NULL past the last. */
const char *bench_name(unsigned i);

/* Tables in floors.c, sched_benches.c, overcommit.c and throughput.c. */
extern const struct bench bench_floors[];
extern const unsigned bench_floors_count;
extern const struct bench bench_sched[];
extern const unsigned bench_sched_count;
/* domain_benches.c (none where there is no user mode). */
extern const struct bench bench_domains[];
extern const unsigned bench_domains_count;
/* overcommit.c and throughput.c: named one by one, never in bench=all. */
extern const struct bench bench_overcommit[];
extern const unsigned bench_overcommit_count;
extern const struct bench bench_tput[];
extern const unsigned bench_tput_count;

#endif
