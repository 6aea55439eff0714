/* SPDX-License-Identifier: MIT */
/*
 * tools/linuxref: the stock Linux reference guest's benchmarks (see main.c),
 * one static program in five files by what they own: util.c (histogram,
 * futexes, threads), clock.c (timestamps: TSC or clock_gettime), output.c
 * (options and the guest's output format), benches.c (the benchmarks and
 * their table), main.c (PID 1 set-up, selection, main).
 */
#ifndef TOOLS_LINUXREF_LINUXREF_H
#define TOOLS_LINUXREF_LINUXREF_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "guest/bench/benchfmt.h"
#include "guest/bench/hist.h"

#define NSEC 1000000000ull
#define CACHELINE 64
#define FIFO_PRIO 80		/* cyclictest's usual -p80 */
#define WAIT_LIMIT_NS (2 * NSEC) /* bound on waiting for a mutex waiter */
/* The guest's own log-linear histogram (guest/bench/hist.c, compiled in
 * by tools/linuxref/build), so both sides bucket and report alike. */
#define NBUCKETS HIST_BUCKETS

/* main.c */
void fatal(const char *what, int err);

/* util.c */
struct hist *hist_new(void);
uint64_t bucket_low(unsigned i);
uint64_t hist_quantile(const struct hist *h, uint64_t ppm);
void futex_wait(atomic_int *word, int val);
void futex_wake(atomic_int *word);
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg,
		 unsigned cpu, int policy, int prio);
int pin_self(unsigned cpu);

/* clock.c */
enum clock_kind { CLK_MONO, CLK_TSC };

extern enum clock_kind clk;
extern double tsc_ns_per_tick;	/* calibrated against CLOCK_MONOTONIC_RAW */
extern uint64_t ts_cost[2];	/* ns per timestamp, per clock_kind */
extern char clock_why[128];	/* why clock_choose() chose */
uint64_t clock_ns(clockid_t id);
const char *clock_name(enum clock_kind k);
void tsc_calibrate(void);
bool read_line(const char *path, char *buf, size_t len);
enum clock_kind clock_choose(const char *want, unsigned cpus);

static inline uint64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

#if defined(__x86_64__)
/* lfence on both sides keeps the read from moving across the code timed. */
static inline uint64_t tsc_read(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi) : : "memory");
	return (uint64_t)hi << 32 | lo;
}
#define HAVE_TSC 1
#else
static inline uint64_t tsc_read(void)
{
	return 0;
}
#define HAVE_TSC 0
#endif

static inline void cpu_relax(void)
{
#if defined(__x86_64__)
	__builtin_ia32_pause();
#endif
}

/* A raw timestamp in the chosen clock's units. */
static inline uint64_t ts_now(void)
{
	return clk == CLK_TSC ? tsc_read() : mono_ns();
}

/* Raw timestamps a (earlier) and b to ns; 0 if b is before a (a TSC not
 * in sync across CPUs would show up as many zero samples). */
static inline uint64_t ts_delta_ns(uint64_t a, uint64_t b)
{
	if ((int64_t)(b - a) <= 0)
		return 0;
	if (clk == CLK_TSC)
		return (uint64_t)((double)(b - a) * tsc_ns_per_tick + 0.5);
	return b - a;
}

/* output.c */
struct options {
	char bench[512];
	char clock[16];
	bool quick;
	bool icount;
	unsigned pct;
};

extern struct options opt;
extern bool is_init;	/* running as PID 1 */
extern unsigned ncpus;
extern char kernel_release[65];
extern char idle_kind[32];
extern unsigned failures;
void parse_word(const char *w);
void parse_cmdline(void);
unsigned iterations(unsigned full);
unsigned warmup(unsigned n);
void report(const char *name, const char *what, const struct hist *h,
	    unsigned want, enum clock_kind k);

/* benches.c */
struct bench {
	const char *name;
	unsigned full_n;	/* samples in a full run */
	unsigned min_cpus;
	uint64_t param;		/* period in ns for the timer ones */
	int (*run)(const struct bench *b, unsigned n);
};
extern const struct bench benches[];
extern const unsigned nbench;
uint64_t ts_cost_of(enum clock_kind k, struct hist *h, unsigned n);

#endif
