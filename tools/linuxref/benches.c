/* SPDX-License-Identifier: MIT */
/* tools/linuxref: the benchmarks, one per vsched guest benchmark. */
#include "tools/linuxref/linuxref.h"

/* ------------------------------------------------------------------ */
/* Benchmarks                                                          */
/* ------------------------------------------------------------------ */

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

uint64_t ts_cost_of(enum clock_kind k, struct hist *h, unsigned n)
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
const struct bench benches[] = {
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

const unsigned nbench = sizeof(benches) / sizeof(benches[0]);
