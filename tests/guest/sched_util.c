/* SPDX-License-Identifier: MIT */
/* Helpers for the scheduler suites (tests/guest/sched_util.h). */
#include "arch.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/sched/sched.h"
#include "guest/options.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("strict_timing", false, "timing checks with the tight bounds "
	 "of an exact (icount) clock"));

/* ~1000 simple loop iterations take about this long under QEMU TCG. */
#define ST_REF_NS 20000ull

unsigned st_slowdown(void)
{
	static unsigned factor;
	volatile unsigned x = 0;
	uint64_t t0, best = UINT64_MAX;
	unsigned i, k;

	if (factor)
		return factor;
	for (k = 0; k < 3; k++) {
		t0 = virt_clock_ns();
		for (i = 0; i < 1000; i++)
			x += i;
		best = MIN(best, virt_clock_ns() - t0);
	}
	factor = (unsigned)MAX(1ull, best / ST_REF_NS);
	return factor;
}

bool st_strict(void) { return option_bool("strict_timing"); }

unsigned st_scale(unsigned n, unsigned min)
{
	unsigned s = n / st_slowdown();

	return MAX(s, min);
}

int st_spawn(long (*fn)(void *), void *arg, const char *name, int prio,
	     uint64_t mask, struct thread_handle *h)
{
	struct thread_attr a = THREAD_ATTR_INIT;

	a.name = name;
	a.prio = prio;
	a.affinity = mask ? mask : THREAD_AFFINITY_ALL;
	st_need(thread_spawn(fn, arg, &a, h), name);
	return 0;
}

void st_need(int rc, const char *what)
{
	struct page_stats ps;

	if (!rc)
		return;
	page_get_stats(&ps);
	test_stop("spawn", "could not spawn thread '%s': error %d%s (%lu KiB of "
		  "pages free)", what, rc, rc == -ENOMEM ? ", out of memory" : "",
		  (unsigned long)ps.free_pages * (PAGE_SIZE / 1024));
}

unsigned st_pin_self(void)
{
	unsigned cpu = thread_cpu();

	thread_set_affinity(thread_self(), 1ull << cpu);
	return cpu;
}

void st_unpin_self(void)
{
	thread_set_affinity(thread_self(), THREAD_AFFINITY_ALL);
}

void st_spin_ns(uint64_t ns)
{
	uint64_t end = virt_clock_ns() + ns;

	while (virt_clock_ns() < end)
		;
}

void st_pingpong_init(struct st_pingpong *p, unsigned rounds)
{
	sem_init(&p->a, 0);
	sem_init(&p->b, 0);
	p->rounds = rounds;
}

long st_pong(void *arg)
{
	struct st_pingpong *p = arg;

	for (unsigned i = 0; i < p->rounds; i++) {
		sem_wait(&p->a);
		sem_post(&p->b);
	}
	return 0;
}

void st_ping(struct st_pingpong *p)
{
	sem_post(&p->a);
	sem_wait(&p->b);
}

static volatile long overflow_limit = 1L << 40; /* never reached */

static long __attribute__((noinline)) recurse(volatile char *prev, long depth)
{
	volatile char buf[512];

	buf[0] = (char)depth;
	buf[511] = prev ? prev[0] : 0;
	if (depth >= overflow_limit)
		return 0;
	return recurse(buf, depth + 1) + buf[7];
}

long st_overflow_stack(void *unused)
{
	return recurse(NULL, 0);
}

void st_backoff(uint64_t *ns)
{
	*ns = *ns ? MIN(*ns * 2, 8 * MS) : 100 * US;
	thread_sleep_ns(*ns);
}

uint64_t st_median(uint64_t *v, unsigned n)
{
	unsigned i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	return n ? v[n / 2] : 0;
}

uint64_t st_quartile1(uint64_t *v, unsigned n)
{
	st_median(v, n); /* sorts v */
	return n ? v[n / 4] : 0;
}

#define YF_ROUNDS 33

struct yf {
	uint64_t cycles;          /* the first thread's rounds, in all */
	volatile unsigned started;
	uint64_t sink;            /* the clock readings, kept */
};

static long yf_fn(void *arg)
{
	struct yf *y = arg;
	bool first = __atomic_fetch_add(&y->started, 1, __ATOMIC_RELAXED) == 0;

	uint64_t t0;

	while (__atomic_load_n(&y->started, __ATOMIC_RELAXED) < 2)
		thread_yield();
	t0 = arch_cycles();
	for (unsigned i = 0; i < YF_ROUNDS; i++) {
		thread_yield();
		WRITE_ONCE(y->sink, virt_clock_ns());
	}
	if (first)
		y->cycles = arch_cycles() - t0;
	return 0;
}

uint64_t st_yield_floor(unsigned cpu)
{
	struct yf y = {0};
	struct thread_handle h[2], me = thread_self();
	int old = thread_get_priority(me);

	/* As high as they while spawning: neither preempts us (on our own
	 * vCPU the first would yield to nobody, waiting for the second). */
	thread_set_priority(me, SCHED_PRIO_MAX);
	st_spawn(yf_fn, &y, "yield-floor", SCHED_PRIO_MAX, 1ull << cpu, &h[0]);
	st_spawn(yf_fn, &y, "yield-floor", SCHED_PRIO_MAX, 1ull << cpu, &h[1]);
	thread_set_priority(me, old);
	thread_join(h[0], NULL);
	thread_join(h[1], NULL);
	return (uint64_t)((unsigned __int128)y.cycles * 1000000000u /
			  MAX(arch_cycles_hz(), 1ull) / YF_ROUNDS);
}

static volatile uint64_t wd_deadline;

static long watchdog_fn(void *arg)
{
	while (READ_ONCE(wd_deadline)) {
		if (virt_clock_ns() > wd_deadline) {
			kprintf("WATCHDOG: test stuck, thread table:\n");
			sched_print_threads();
			wd_deadline = 0;
			break;
		}
		thread_sleep_ns(100 * MS);
	}
	return 0;
}

void st_watchdog(uint64_t ns)
{
	static struct thread_handle h;

	if (!ns) {
		wd_deadline = 0;
		thread_join(h, NULL);
		return;
	}
	wd_deadline = virt_clock_ns() + ns;
	st_spawn(watchdog_fn, NULL, "watchdog", SCHED_PRIO_MAX, 0, &h);
}
