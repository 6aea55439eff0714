/* SPDX-License-Identifier: MIT */
/*
 * tools/linuxref/bench.c: the stock Linux reference guest's benchmarks.
 *
 * Built static, it is /init of a tiny initramfs booted with Debian's cloud
 * kernel. It measures with plain Linux primitives (pthreads, raw futexes,
 * sched_setaffinity, clock_nanosleep with 1 ns timer slack) what the vsched
 * guest measures with its own scheduler, and prints the results in the
 * guest's format: a human table row, one BENCH {json} line and BENCHHIST
 * lines per result, BENCH_SKIP/BENCH_FAIL lines, and BENCH_DONE. As PID 1 it
 * mounts /proc, /sys and /dev itself, reads its options from /proc/cmdline
 * and powers the machine off at the end. Run as an ordinary program (not
 * PID 1) it takes the same options as arguments and just exits, which
 * makes it easy to try on a host.
 *
 * Options (kernel command line or arguments):
 *   bench=all|NAME[,NAME]  what to run; NAME may be a prefix up to "_"
 *                          ("timer" = timer_1k,timer_10k); default all
 *   quick                  20x fewer iterations (at least 20)
 *   bench_pct=P            scale iteration counts by P percent
 *   clock=auto|tsc|mono    timestamps for the handoff benchmarks (auto:
 *                          the TSC if the kernel's clocksource is "tsc" or
 *                          if it shows no warp between CPUs; the timer
 *                          ones always use clock_gettime, like cyclictest)
 *   icount                 QEMU runs with -icount shift=0: one instruction
 *                          is one ns and one TSC tick, so the TSC is taken
 *                          as exactly 1 GHz (checked against the kernel's
 *                          clock) and every figure is guest instructions
 *
 * Every sample goes into a log-linear histogram (64 sub-buckets per power
 * of two: percentiles exact to 1/64 of their value; min, max, mean exact).
 */
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

#include "guest/bench/hist.h"

#define NSEC 1000000000ull
#define CACHELINE 64
#define FIFO_PRIO 80		/* cyclictest's usual -p80 */
#define WAIT_LIMIT_NS (2 * NSEC) /* bound on waiting for a mutex waiter */

/* ------------------------------------------------------------------ */
/* Histogram                                                           */
/* ------------------------------------------------------------------ */

/* The guest's own log-linear histogram (guest/bench/hist.c, compiled in
 * by tools/linuxref/build), so both sides bucket and report alike. */
#define NBUCKETS HIST_BUCKETS

static void fatal(const char *what, int err);

static struct hist *hist_new(void)
{
	struct hist *h = malloc(sizeof(*h));

	if (!h)
		fatal("malloc", errno);
	hist_init(h);
	return h;
}

static uint64_t bucket_low(unsigned i)
{
	return hist_bucket_low(i);
}

static uint64_t hist_quantile(const struct hist *h, uint64_t ppm)
{
	return hist_quantile_ppm(h, (uint32_t)ppm);
}

/* ------------------------------------------------------------------ */
/* Threads and futexes                                                 */
/* ------------------------------------------------------------------ */

static long futex(atomic_int *word, int op, int val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

static void futex_wait(atomic_int *word, int val)
{
	futex(word, FUTEX_WAIT_PRIVATE, val);
}

static void futex_wake(atomic_int *word)
{
	futex(word, FUTEX_WAKE_PRIVATE, 1);
}

/* Starts fn(arg) pinned to cpu with the given policy (SCHED_OTHER or
 * SCHED_FIFO) and priority. Returns 0 or an errno. */
static int thread_start(pthread_t *t, void *(*fn)(void *), void *arg,
			unsigned cpu, int policy, int prio)
{
	pthread_attr_t a;
	cpu_set_t set;
	struct sched_param sp = {.sched_priority = prio};
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&a);
	rc = pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	if (!rc)
		rc = pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	if (!rc)
		rc = pthread_attr_setschedpolicy(&a, policy);
	if (!rc)
		rc = pthread_attr_setschedparam(&a, &sp);
	if (!rc)
		rc = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return rc;
}

static int pin_self(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}

/* ------------------------------------------------------------------ */
/* Timestamps                                                          */
/* ------------------------------------------------------------------ */

enum clock_kind { CLK_MONO, CLK_TSC };

static enum clock_kind clk = CLK_MONO;
static double tsc_ns_per_tick;	/* calibrated against CLOCK_MONOTONIC_RAW */
static uint64_t ts_cost[2];	/* ns per timestamp, per clock_kind */

static const char *clock_name(enum clock_kind k)
{
	return k == CLK_TSC ? "tsc" : "clock_gettime";
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

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

/* TSC ticks per ns over a 50 ms window: error ~ (read cost / 50 ms). */
static void tsc_calibrate(void)
{
	uint64_t m0 = clock_ns(CLOCK_MONOTONIC_RAW), c0 = tsc_read();
	struct timespec d = {0, 50000000};

	nanosleep(&d, NULL);
	uint64_t m1 = clock_ns(CLOCK_MONOTONIC_RAW), c1 = tsc_read();

	tsc_ns_per_tick = (double)(m1 - m0) / (double)(c1 - c0);
}

/* Reads a one-line sysfs/proc file into buf without its newline. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok = f && fgets(buf, (int)len, f);

	if (f)
		fclose(f);
	if (!ok)
		return false;
	buf[strcspn(buf, "\n")] = 0;
	return true;
}

/* TSC warp check, as the kernel's check_tsc_warp(): two CPUs take turns,
 * under a lock, reading the TSC and publishing it; a read below the last
 * one published is a warp (the TSCs disagree). */
struct warp_check {
	pthread_spinlock_t lock;
	uint64_t last, until;
	unsigned warps;
	atomic_int started;
};

static void *warp_side(void *arg)
{
	struct warp_check *w = arg;

	atomic_fetch_add(&w->started, 1);
	while (atomic_load(&w->started) < 2)
		cpu_relax();
	while (mono_ns() < w->until) {
		for (int i = 0; i < 64; i++) {
			pthread_spin_lock(&w->lock);
			uint64_t now = tsc_read();

			w->warps += now < w->last;
			w->last = now;
			pthread_spin_unlock(&w->lock);
		}
	}
	return NULL;
}

/* Checks CPU 0 against every other CPU for 20 ms each; true when no
 * warp was seen (and the check could run at all). */
static bool tsc_in_sync(unsigned cpus)
{
	struct warp_check w = {0};
	bool ok = true;

	pthread_spin_init(&w.lock, PTHREAD_PROCESS_PRIVATE);
	for (unsigned c = 1; c < cpus && ok; c++) {
		pthread_t t[2];

		w.started = 0;
		w.last = 0;
		w.until = mono_ns() + 20000000;
		int rc = thread_start(&t[0], warp_side, &w, 0, SCHED_OTHER, 0);

		if (rc)
			return false;
		rc = thread_start(&t[1], warp_side, &w, c, SCHED_OTHER, 0);
		if (rc)
			fatal("pthread_create (TSC check)", rc);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		ok = w.warps == 0;
	}
	pthread_spin_destroy(&w.lock);
	return ok;
}

static char clock_why[128] = "";

/* auto: the TSC when the kernel uses it as its clocksource (then it is
 * synchronized and constant-rate), or when it passes our own warp check
 * across all CPUs (the kernel may distrust it on a heuristic: under QEMU
 * TCG it sees an AMD CPU without invariant TSC); else clock_gettime. */
static enum clock_kind clock_choose(const char *want, unsigned cpus)
{
	char cs[64] = "";
	const char *why;
	enum clock_kind k = CLK_TSC;

	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  cs, sizeof(cs));
	if (!HAVE_TSC || !strcmp(want, "mono"))
		k = CLK_MONO, why = HAVE_TSC ? "asked for" : "no TSC on this CPU";
	else if (!strcmp(want, "tsc"))
		why = "asked for";
	else if (!strcmp(cs, "tsc"))
		why = "the kernel's clocksource too";
	else if (tsc_in_sync(cpus))
		why = "not the kernel's clocksource, but no warp between CPUs";
	else
		k = CLK_MONO, why = "the TSC warps between CPUs";
	snprintf(clock_why, sizeof(clock_why), "%s", why);
	return k;
}

/* ------------------------------------------------------------------ */
/* Options and results                                                 */
/* ------------------------------------------------------------------ */

struct options {
	char bench[512];
	char clock[16];
	bool quick;
	bool icount;
	unsigned pct;
};

static struct options opt = {"all", "auto", false, false, 100};

static void parse_word(const char *w)
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

static void parse_cmdline(void)
{
	char line[4096];
	char *save = NULL;

	if (!read_line("/proc/cmdline", line, sizeof(line)))
		return;
	for (char *w = strtok_r(line, " \t", &save); w; w = strtok_r(NULL, " \t", &save))
		parse_word(w);
}

static bool is_init;		/* running as PID 1 */
static unsigned ncpus;
static char kernel_release[65] = "unknown";
static char idle_kind[32] = "halt";
static unsigned failures;

static unsigned iterations(unsigned full)
{
	uint64_t n = full;

	if (opt.quick)
		n = n / 20 > 20 ? n / 20 : 20;
	n = n * (opt.pct ? opt.pct : 100) / 100;
	return n > 10 ? (unsigned)n : 10;
}

/* Warm-up rounds run before the recorded ones (caches, lazy paging). */
static unsigned warmup(unsigned n)
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
static void report(const char *name, const char *what, const struct hist *h,
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

/* ------------------------------------------------------------------ */
/* Benchmarks                                                          */
/* ------------------------------------------------------------------ */

struct bench {
	const char *name;
	unsigned full_n;	/* samples in a full run */
	unsigned min_cpus;
	uint64_t param;		/* period in ns for the timer ones */
	int (*run)(const struct bench *b, unsigned n);
};

/* Shared by the pair benchmarks; each field on its own cache line. */
struct side {
	_Alignas(CACHELINE) atomic_int go;	/* futex word: your turn */
	uint64_t stamp;				/* taken by the other side */
	struct hist *direct;			/* stamp -> first instruction */
};

struct pair {
	struct side s[2];
	_Alignas(CACHELINE) atomic_int turn;	/* yield: whose turn */
	uint64_t stamp;				/* yield: switch start */
	struct hist *rtt;			/* half round trips */
	unsigned n, warm;
};

struct pair_arg {
	struct pair *p;
	int me;
};

/* Runs fn0(arg0) on cpu0 and fn1(arg1) on cpu1 (SCHED_OTHER), joins
 * both. Side 1 would wait forever without side 0: that is fatal. */
static int run_pair(void *(*fn0)(void *), void *arg0, void *(*fn1)(void *),
		    void *arg1, unsigned cpu0, unsigned cpu1)
{
	pthread_t t[2];
	int rc = thread_start(&t[1], fn1, arg1, cpu1, SCHED_OTHER, 0);

	if (rc)
		return rc;
	rc = thread_start(&t[0], fn0, arg0, cpu0, SCHED_OTHER, 0);
	if (rc)
		fatal("pthread_create of a pair's second thread", rc);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return 0;
}

static void pair_init(struct pair *p, unsigned n)
{
	memset(p, 0, sizeof(*p));
	p->n = n;
	p->warm = warmup(n);
	p->s[0].direct = hist_new();
	p->s[1].direct = hist_new();
	p->rtt = hist_new();
}

static void pair_free(struct pair *p)
{
	free(p->s[0].direct);
	free(p->s[1].direct);
	free(p->rtt);
}

/* ---- yield: two SCHED_OTHER threads on one CPU alternate ---- */

/* Each side waits for its turn with sched_yield; on getting it, the time
 * since the other side's stamp (taken just before its sched_yield) is one
 * switch. Both sides sample into their own histogram. */
static void *yield_side(void *arg)
{
	struct pair_arg *a = arg;
	struct pair *p = a->p;
	unsigned rounds = p->warm / 2 + p->n / 2;	/* the same for both */

	for (unsigned i = 0; i < rounds; i++) {
		while (atomic_load_explicit(&p->turn, memory_order_acquire) != a->me)
			sched_yield();
		uint64_t now = ts_now();

		if (i >= p->warm / 2)	/* warm >= 5: skips the unset stamp */
			hist_add(p->s[a->me].direct, ts_delta_ns(p->stamp, now));
		p->stamp = ts_now();
		atomic_store_explicit(&p->turn, !a->me, memory_order_release);
		sched_yield();
	}
	return NULL;
}

static int yield_run(const struct bench *b, unsigned n)
{
	struct pair p;
	struct pair_arg a[2] = {{&p, 0}, {&p, 1}};
	int rc;

	n += n & 1;	/* each side takes n / 2 samples */
	pair_init(&p, n);
	rc = run_pair(yield_side, &a[0], yield_side, &a[1], 0, 0);
	if (!rc) {
		hist_merge(p.s[0].direct, p.s[1].direct);
		report(b->name, "sched_yield to the other SCHED_OTHER thread's first "
		       "instruction, both pinned to CPU 0 (one sample per switch)",
		       p.s[0].direct, n, clk);
	}
	pair_free(&p);
	return rc;
}

/* ---- futex ping-pong: wake_local (one CPU), wake_remote (two) ---- */

/* Hands the turn to side `to`: stamp, publish, wake it. */
static void pp_hand(struct side *to, uint64_t stamp)
{
	to->stamp = stamp;
	atomic_store_explicit(&to->go, 1, memory_order_release);
	futex_wake(&to->go);
}

/* Blocks in FUTEX_WAIT until it is this side's turn; returns the time of
 * the first instruction after waking. */
static uint64_t pp_wait(struct side *me)
{
	while (!atomic_load_explicit(&me->go, memory_order_acquire))
		futex_wait(&me->go, 0);
	uint64_t now = ts_now();

	atomic_store_explicit(&me->go, 0, memory_order_relaxed);
	return now;
}

/* Side 0 starts every round trip: it samples half of it and, like side 1,
 * the one-way stamp-to-run latency of each handoff it receives. */
static void *pp_side0(void *arg)
{
	struct pair *p = arg;

	for (unsigned i = 0; i < p->warm + p->n; i++) {
		uint64_t t0 = ts_now();

		pp_hand(&p->s[1], t0);
		uint64_t t1 = pp_wait(&p->s[0]);

		if (i < p->warm)
			continue;
		hist_add(p->rtt, ts_delta_ns(t0, t1) / 2);
		hist_add(p->s[0].direct, ts_delta_ns(p->s[0].stamp, t1));
	}
	return NULL;
}

static void *pp_side1(void *arg)
{
	struct pair *p = arg;

	for (unsigned i = 0; i < p->warm + p->n; i++) {
		uint64_t t = pp_wait(&p->s[1]);

		if (i >= p->warm)
			hist_add(p->s[1].direct, ts_delta_ns(p->s[1].stamp, t));
		pp_hand(&p->s[0], ts_now());
	}
	return NULL;
}

static void pp_report(const char *name, struct pair *p, const char *where)
{
	char what[256], dname[64];

	snprintf(what, sizeof(what), "futex ping-pong, %s: half a round trip "
		 "(one sample per round trip = one one-way handoff)", where);
	report(name, what, p->rtt, p->n, clk);
	snprintf(dname, sizeof(dname), "%s_direct", name);
	snprintf(what, sizeof(what), "futex ping-pong, %s: waker's stamp before "
		 "FUTEX_WAKE to the wakee's first instruction (two per round trip)",
		 where);
	hist_merge(p->s[0].direct, p->s[1].direct);
	report(dname, what, p->s[0].direct, 2 * p->n, clk);
}

static int pingpong_run(const struct bench *b, unsigned n, unsigned cpu1,
			const char *where)
{
	struct pair p;
	int rc;

	pair_init(&p, n);
	rc = run_pair(pp_side0, &p, pp_side1, &p, 0, cpu1);
	if (!rc)
		pp_report(b->name, &p, where);
	pair_free(&p);
	return rc;
}

static int wake_local_run(const struct bench *b, unsigned n)
{
	return pingpong_run(b, n, 0, "both threads on CPU 0");
}

static int wake_remote_run(const struct bench *b, unsigned n)
{
	return pingpong_run(b, n, 1, "CPU 0 <-> CPU 1, receiver blocked in "
			    "FUTEX_WAIT");
}

/* ---- timer and preempt: clock_nanosleep to absolute deadlines ---- */

struct timer_arg {
	uint64_t period;
	unsigned n, warm, overruns;
	struct hist *h;
	atomic_int stop;	/* tells the preempt spinner to finish */
};

static struct timespec ns_to_ts(uint64_t ns)
{
	return (struct timespec){(time_t)(ns / NSEC), (long)(ns % NSEC)};
}

/* cyclictest's measure: sleep to an absolute CLOCK_MONOTONIC deadline,
 * lateness = first clock read after waking - deadline. Missed periods are
 * skipped (and counted), not queued up. */
static void *timer_thread(void *arg)
{
	struct timer_arg *t = arg;
	uint64_t deadline = mono_ns() + t->period;

	for (unsigned i = 0; i < t->warm + t->n; i++) {
		struct timespec ts = ns_to_ts(deadline);

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		uint64_t now = mono_ns();

		if (i >= t->warm)
			hist_add(t->h, now > deadline ? now - deadline : 0);
		deadline += t->period;
		if (deadline <= now) {
			t->overruns++;
			deadline = now + t->period;
		}
	}
	atomic_store(&t->stop, 1);
	return NULL;
}

static void timer_report(const struct bench *b, struct timer_arg *t, const char *what)
{
	char w[256];

	snprintf(w, sizeof(w), "%s; period %" PRIu64 " us, SCHED_FIFO %d on CPU 0, "
		 "timer slack 1 ns", what, b->param / 1000, FIFO_PRIO);
	report(b->name, w, t->h, t->n, CLK_MONO);
	if (t->overruns)
		printf("  (%s: %u periods overran and were skipped)\n", b->name, t->overruns);
}

static int timer_run(const struct bench *b, unsigned n)
{
	struct timer_arg t = {.period = b->param, .n = n, .warm = 5, .h = hist_new()};
	pthread_t th;
	int rc = thread_start(&th, timer_thread, &t, 0, SCHED_FIFO, FIFO_PRIO);

	if (!rc) {
		pthread_join(th, NULL);
		timer_report(b, &t, "clock_nanosleep(TIMER_ABSTIME) lateness, idle CPU");
	}
	free(t.h);
	return rc;
}

static void *spinner(void *arg)
{
	struct timer_arg *t = arg;

	/* One PAUSE per 256 checks: under QEMU TCG each PAUSE is a return to
	 * QEMU's vCPU loop, and spinning on it made this thread most of the
	 * host time of an -icount run (13 s of 30 in a quick one). */
	for (unsigned i = 0; !atomic_load_explicit(&t->stop, memory_order_relaxed); i++)
		if (i % 256 == 0)
			cpu_relax();
	return NULL;
}

/* The same timer thread, with a SCHED_OTHER thread spinning on its CPU:
 * deadline to the first instruction of the preempting thread. */
static int preempt_run(const struct bench *b, unsigned n)
{
	struct timer_arg t = {.period = b->param, .n = n, .warm = 5, .h = hist_new()};
	pthread_t spin, th;
	int rc = thread_start(&spin, spinner, &t, 0, SCHED_OTHER, 0);

	if (!rc) {
		rc = thread_start(&th, timer_thread, &t, 0, SCHED_FIFO, FIFO_PRIO);
		if (rc)
			atomic_store(&t.stop, 1);
		else
			pthread_join(th, NULL);
		pthread_join(spin, NULL);
	}
	if (!rc)
		timer_report(b, &t, "timer-woken thread preempting a SCHED_OTHER "
			     "spinner: deadline to first instruction");
	free(t.h);
	return rc;
}

/* ---- spawn_join ---- */

static void *empty_thread(void *arg)
{
	return arg;
}

/* pthread_create + pthread_join of an empty thread; the creator (the main
 * thread, pinned to CPU 0) passes its affinity on, so all runs on CPU 0. */
static int spawn_join_run(const struct bench *b, unsigned n)
{
	struct hist *h = hist_new();
	int rc = 0;

	for (unsigned i = 0; i < warmup(n) + n && !rc; i++) {
		pthread_t t;
		uint64_t t0 = ts_now();

		rc = pthread_create(&t, NULL, empty_thread, NULL);
		if (!rc)
			rc = pthread_join(t, NULL);
		uint64_t t1 = ts_now();

		if (i >= warmup(n))
			hist_add(h, ts_delta_ns(t0, t1));
	}
	report(b->name, "pthread_create + pthread_join of an empty thread, "
	       "on CPU 0", h, n, clk);
	free(h);
	return rc;
}

/* ---- mutex_handoff: a contended pthread mutex passed between CPUs ---- */

struct mtx {
	pthread_mutex_t m;
	_Alignas(CACHELINE) atomic_int round;	/* handoffs done; futex word */
	atomic_int waiting;			/* r + 1: round r's waiter locks; futex */
	atomic_int started;			/* sides ready (side 0 holds m) */
	_Alignas(CACHELINE) uint64_t stamp;	/* just before unlock */
	int stat_fd[2];				/* /proc/self/task/TID/stat */
	struct hist *h[2];
	unsigned n, warm;
	atomic_uint unverified;			/* waiter not seen asleep */
};

struct mtx_arg {
	struct mtx *x;
	int me;
};

/* Whether the thread whose stat file is fd is asleep ('S'): a waiter that
 * announced itself and sleeps is in FUTEX_WAIT inside pthread_mutex_lock.
 * The state is the first field after the ") " closing the name. */
static bool task_sleeping(int fd)
{
	char buf[512];
	ssize_t len = pread(fd, buf, sizeof(buf) - 1, 0);
	char *p;

	if (len <= 0)
		return false;
	buf[len] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Waits until the other side has called pthread_mutex_lock for round r
 * and sleeps in the kernel, so every handoff wakes a blocked waiter. The
 * holder sleeps, never spins, meanwhile: under TCG on a busy host a
 * spinning vCPU steals host time from the one it waits for. Without /proc
 * (or past the bound) it goes on and counts the round. */
static void mtx_wait_asleep(struct mtx *x, int other, unsigned r)
{
	const struct timespec nap = {0, 20000};
	uint64_t t0;
	int fd = x->stat_fd[other];

	while (atomic_load_explicit(&x->waiting, memory_order_acquire) != (int)r + 1)
		futex_wait(&x->waiting, (int)r);
	t0 = mono_ns();
	while (fd >= 0 && !task_sleeping(fd) && mono_ns() - t0 < WAIT_LIMIT_NS)
		nanosleep(&nap, NULL);
	if (fd < 0 || mono_ns() - t0 >= WAIT_LIMIT_NS)
		atomic_fetch_add(&x->unverified, 1);
}

/* Round r: side r%2 holds m and unlocks once the other side is asleep in
 * pthread_mutex_lock; the other side measures unlock -> owning it, and
 * starts round r+1 as the holder. */
static void mtx_round(struct mtx *x, int me, unsigned r)
{
	if ((int)(r % 2) == me) {
		mtx_wait_asleep(x, !me, r);
		x->stamp = ts_now();
		pthread_mutex_unlock(&x->m);
		/* Sleep, not spin, until the waiter has it. */
		while (atomic_load_explicit(&x->round, memory_order_acquire) == (int)r)
			futex_wait(&x->round, (int)r);
		return;
	}
	atomic_store_explicit(&x->waiting, (int)r + 1, memory_order_release);
	futex_wake(&x->waiting);
	pthread_mutex_lock(&x->m);
	uint64_t now = ts_now();

	if (r >= x->warm)
		hist_add(x->h[me], ts_delta_ns(x->stamp, now));
	atomic_store_explicit(&x->round, (int)r + 1, memory_order_release);
	futex_wake(&x->round);
}

static void mtx_start(struct mtx *x, int me)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)gettid());
	x->stat_fd[me] = open(path, O_RDONLY | O_CLOEXEC);
	if (me == 0)
		pthread_mutex_lock(&x->m);
	atomic_fetch_add(&x->started, 1);
	while (atomic_load(&x->started) < 2)
		cpu_relax();
}

static void *mtx_side(void *arg)
{
	struct mtx_arg *a = arg;
	struct mtx *x = a->x;
	unsigned total = x->warm + x->n;

	mtx_start(x, a->me);
	for (unsigned r = 0; r < total; r++)
		mtx_round(x, a->me, r);
	/* The side that took the last handoff still holds m. */
	if ((int)(total % 2) == a->me)
		pthread_mutex_unlock(&x->m);
	return NULL;
}

static void mtx_report(const struct bench *b, struct mtx *x)
{
	hist_merge(x->h[0], x->h[1]);
	report(b->name, "pthread_mutex_unlock on one CPU to the waiter (asleep "
	       "in pthread_mutex_lock on the other) owning it; CPUs 0 and 1",
	       x->h[0], x->n, clk);
	if (x->unverified)
		printf("  (%s: %u handoffs without seeing the waiter asleep)\n",
		       b->name, (unsigned)x->unverified);
}

static int mutex_run(const struct bench *b, unsigned n)
{
	struct mtx x = {.m = PTHREAD_MUTEX_INITIALIZER, .n = n, .warm = warmup(n),
			.stat_fd = {-1, -1}, .h = {hist_new(), hist_new()}};
	struct mtx_arg a[2] = {{&x, 0}, {&x, 1}};
	int rc = run_pair(mtx_side, &a[0], mtx_side, &a[1], 0, 1);

	if (!rc)
		mtx_report(b, &x);
	for (int i = 0; i < 2; i++) {
		if (x.stat_fd[i] >= 0)
			close(x.stat_fd[i]);
		free(x.h[i]);
	}
	return rc;
}

/* ---- timestamp cost ---- */

static uint64_t ts_cost_of(enum clock_kind k, struct hist *h, unsigned n)
{
	enum clock_kind saved = clk;

	clk = k;
	for (unsigned i = 0; i < n; i++) {
		uint64_t a = ts_now(), b = ts_now();

		hist_add(h, ts_delta_ns(a, b));
	}
	clk = saved;
	return hist_quantile(h, 500000);
}

/* Costs are always measured (every BENCH line carries its clock's cost);
 * this only reports them. */
static int timestamp_run(const struct bench *b, unsigned n)
{
	struct hist *h = hist_new();

	ts_cost_of(clk, h, n);
	report(b->name, "back-to-back timestamps: the cost of one", h, n, clk);
	free(h);
	if (clk != CLK_MONO) {
		h = hist_new();
		ts_cost_of(CLK_MONO, h, n);
		report("timestamp_mono", "back-to-back clock_gettime(CLOCK_MONOTONIC) "
		       "(the timer benchmarks' clock)", h, n, CLK_MONO);
		free(h);
	}
	return 0;
}

/* Iterations as in the guest's table (guest/bench/), so both take as many
 * samples; wake_* report two results each (half round trip, direct). */
static const struct bench benches[] = {
	{"timestamp", 10000, 1, 0, timestamp_run},
	{"yield", 20000, 1, 0, yield_run},
	{"wake_local", 20000, 1, 0, wake_local_run},
	{"wake_remote", 10000, 2, 0, wake_remote_run},
	{"timer_1k", 2000, 1, 1000000, timer_run},
	{"timer_10k", 10000, 1, 100000, timer_run},
	{"preempt", 1000, 1, 1000000, preempt_run},
	{"spawn_join", 5000, 1, 0, spawn_join_run},
	{"mutex_handoff", 10000, 2, 0, mutex_run},
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

/* NAME matches a word of the list if equal to it, or if the word is a
 * prefix of NAME ending where NAME has a "_" ("timer", "wake"). */
static bool word_selects(const char *w, size_t len, const char *name)
{
	return !strncmp(w, name, len) && (name[len] == 0 || name[len] == '_');
}

static bool wanted(const char *name)
{
	const char *p = opt.bench;

	if (!strcmp(p, "all"))
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (len && word_selects(p, len, name))
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

/* Every word of the list must name at least one benchmark. */
static void check_selection(void)
{
	const char *p = opt.bench;

	if (!strcmp(p, "all"))
		return;
	while (*p) {
		size_t len = strcspn(p, ",");
		bool known = false;

		for (unsigned i = 0; i < NBENCH && len; i++)
			known |= word_selects(p, len, benches[i].name);
		if (len && !known) {
			printf("BENCH_FAIL selection: no benchmark named '%.*s'\n", (int)len, p);
			failures++;
		}
		p += len + (p[len] == ',');
	}
}

/* Runs one benchmark; returns false when it was skipped. */
static bool run_one(const struct bench *b)
{
	unsigned n = iterations(b->full_n);
	int rc;

	if (ncpus < b->min_cpus) {
		printf("BENCH_SKIP %s: needs %u CPUs, have %u\n", b->name, b->min_cpus, ncpus);
		return false;
	}
	printf("bench: %s (%u samples)\n", b->name, n);
	fflush(stdout);
	uint64_t t0 = mono_ns();

	rc = b->run(b, n);
	if (rc) {
		printf("BENCH_FAIL %s: %s\n", b->name, strerror(rc));
		failures++;
	}
	printf("  (%s took %.2f s)\n", b->name, (double)(mono_ns() - t0) / 1e9);
	fflush(stdout);
	return true;
}

/* ------------------------------------------------------------------ */
/* Set-up as PID 1, and main                                           */
/* ------------------------------------------------------------------ */

static void mount_fs(const char *type, const char *dir)
{
	mkdir(dir, 0755);
	if (mount(type, dir, type, 0, NULL) && errno != EBUSY)
		fprintf(stderr, "linuxref: mount %s on %s: %s\n", type, dir, strerror(errno));
}

/* The kernel gives init /dev/console as fds 0-2 when the initramfs has
 * one; if not, open it from the devtmpfs just mounted. Kernel messages
 * are kept off the console so they cannot split a BENCH line. */
static void init_setup(void)
{
	mount_fs("proc", "/proc");
	mount_fs("sysfs", "/sys");
	mount_fs("devtmpfs", "/dev");
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);

		for (int i = 0; i < 3 && fd >= 0; i++)
			if (fd != i)
				dup2(fd, i);
	}
	klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 1);
}

/* Until told to stop, runs a few PAUSEs on CPU 0 every 50 us (see
 * cpus_online): each PAUSE ends QEMU's turn of that vCPU, and spinning
 * all the time would cost QEMU a return to its vCPU loop per PAUSE. */
static void *pause_spinner(void *arg)
{
	atomic_int *stop = arg;
	const struct timespec nap = {0, 50000};

	while (!atomic_load_explicit(stop, memory_order_relaxed)) {
		for (int i = 0; i < 16; i++)
			cpu_relax();
		nanosleep(&nap, NULL);
	}
	return NULL;
}

/* As PID 1, brings online the CPUs the kernel left offline (booted with
 * maxcpus=1, as tools/linuxref/run --icount does). Why: QEMU 7.2's
 * single-threaded TCG with -icount hands the whole instruction budget up
 * to the next timer to the first vCPU; one that polls without PAUSE or
 * HLT starves the other. Linux's do_boot_cpu() polls for the new CPU's
 * callin with schedule() in a loop, so SMP bring-up stalls there. A
 * thread on CPU 0 that wakes every 50 us to run PAUSE (which ends QEMU's
 * turn of that vCPU) preempts that loop and lets the new vCPU run. */
static void cpus_online(void)
{
	char present[64] = "", path[64];
	unsigned lo, hi;
	atomic_int stop = 0;
	pthread_t t;

	if (!read_line("/sys/devices/system/cpu/present", present, sizeof(present)) ||
	    sscanf(present, "%u-%u", &lo, &hi) != 2)
		return;	/* one CPU ("0") */
	if ((unsigned)sysconf(_SC_NPROCESSORS_ONLN) > hi)
		return;
	pin_self(0);
	if (thread_start(&t, pause_spinner, &stop, 0, SCHED_OTHER, 0))
		return;
	for (unsigned c = lo + 1; c <= hi; c++) {
		char state[8] = "";
		int fd;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/online", c);
		if (read_line(path, state, sizeof(state)) && !strcmp(state, "1"))
			continue;
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "1", 1) != 1) {
			printf("BENCH_FAIL cpus_online: CPU %u: %s\n", c, strerror(errno));
			failures++;
		}
		if (fd >= 0)
			close(fd);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
}

/* The cpuidle driver in use, or Linux's own idle loop (hlt or poll). */
static void idle_detect(void)
{
	char line[4096] = "", drv[32] = "";

	read_line("/proc/cmdline", line, sizeof(line));
	if (strstr(line, "idle=poll"))
		snprintf(idle_kind, sizeof(idle_kind), "poll");
	else if (read_line("/sys/devices/system/cpu/cpuidle/current_driver", drv,
			   sizeof(drv)) && *drv && strcmp(drv, "none"))
		snprintf(idle_kind, sizeof(idle_kind), "%s", drv);
}

/* The median cost of one timestamp of clock k, for the BENCH lines. */
static uint64_t ts_cost_measure(enum clock_kind k)
{
	struct hist *h = hist_new();
	uint64_t cost = ts_cost_of(k, h, 1000);

	free(h);
	return cost;
}

static void setup_common(void)
{
	struct utsname u;

	if (!uname(&u))
		snprintf(kernel_release, sizeof(kernel_release), "%s", u.release);
	ncpus = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	idle_detect();
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);	/* inherited by every thread */
	pin_self(0);
	clk = clock_choose(opt.clock, ncpus);
	if (clk == CLK_TSC)
		tsc_calibrate();
	/* Under icount shift=0 the calibration can only be off by the few
	 * instructions around its reads: take the exact 1 ns per tick, so a
	 * figure is a whole number of instructions. A TSC that is not near
	 * 1 GHz means another shift: keep the calibration, and say so. */
	if (clk == CLK_TSC && opt.icount) {
		if (tsc_ns_per_tick > 0.999 && tsc_ns_per_tick < 1.001)
			tsc_ns_per_tick = 1.0;
		else
			printf("linuxref: icount, but the TSC runs at %.3f MHz, not "
			       "1000: figures are ns, not instructions\n",
			       1e3 / tsc_ns_per_tick);
	}
	ts_cost[CLK_MONO] = ts_cost_measure(CLK_MONO);
	if (clk == CLK_TSC)
		ts_cost[CLK_TSC] = ts_cost_measure(CLK_TSC);
}

static void print_banner(void)
{
	char cs[64] = "?";

	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  cs, sizeof(cs));
	printf("linuxref: Linux %s, %u CPU%s, clocksource %s, idle %s, %s run\n",
	       kernel_release, ncpus, ncpus == 1 ? "" : "s", cs, idle_kind,
	       opt.quick ? "quick" : "full");
	printf("linuxref: handoff clock %s: %s", clock_name(clk), clock_why);
	if (clk == CLK_TSC)
		printf(", %.3f MHz", 1e3 / tsc_ns_per_tick);
	if (opt.icount)
		printf("\nlinuxref: icount: 1 ns = 1 guest instruction (QEMU -icount "
		       "shift=0); every figure below counts instructions");
	printf("\nlinuxref: %" PRIu64 " ns per timestamp; timers use clock_gettime "
	       "(%" PRIu64 " ns)\n", ts_cost[clk], ts_cost[CLK_MONO]);
	printf("  %-20s %8s %9s %9s %9s %9s %9s %10s %9s\n", "benchmark (ns)", "n",
	       "min", "p50", "p90", "p99", "p99.9", "max", "mean");
}

static void power_off(void)
{
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)	/* PID 1 must never exit */
		pause();
}

/* Gives up: no BENCH_DONE, so the runner reports a failure. */
static void fatal(const char *what, int err)
{
	printf("BENCH_FAIL fatal: %s: %s\n", what, strerror(err));
	if (is_init)
		power_off();
	fflush(stdout);
	exit(1);
}

int main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	unsigned ran = 0;

	is_init = getpid() == 1;
	if (is_init)
		init_setup();
	setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (is_init) {
		parse_cmdline();
		cpus_online();
	}
	else
		for (int i = 1; i < argc; i++)
			parse_word(argv[i]);
	setup_common();
	print_banner();
	check_selection();
	for (unsigned i = 0; i < NBENCH; i++)
		if (wanted(benches[i].name))
			ran += run_one(&benches[i]);
	printf("BENCH_DONE %u ran, %u failed\n", ran, failures);
	if (is_init)
		power_off();
	fflush(stdout);
	return failures ? 1 : 0;
}
