/* SPDX-License-Identifier: MIT */
/* tools/linuxref: timestamps, the TSC or clock_gettime, and the choice. */
#include "tools/linuxref/linuxref.h"

enum clock_kind clk = CLK_MONO;
double tsc_ns_per_tick;	/* calibrated against CLOCK_MONOTONIC_RAW */
uint64_t ts_cost[2];	/* ns per timestamp, per clock_kind */

/* ------------------------------------------------------------------ */
/* Timestamps                                                          */
/* ------------------------------------------------------------------ */

const char *clock_name(enum clock_kind k)
{
	return k == CLK_TSC ? "tsc" : "clock_gettime";
}

uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * NSEC + (uint64_t)ts.tv_nsec;
}

/* TSC ticks per ns over a 50 ms window: error ~ (read cost / 50 ms). */
void tsc_calibrate(void)
{
	uint64_t m0 = clock_ns(CLOCK_MONOTONIC_RAW), c0 = tsc_read();
	struct timespec d = {0, 50000000};

	nanosleep(&d, NULL);
	uint64_t m1 = clock_ns(CLOCK_MONOTONIC_RAW), c1 = tsc_read();

	tsc_ns_per_tick = (double)(m1 - m0) / (double)(c1 - c0);
}

/* Reads a one-line sysfs/proc file into buf without its newline. */
bool read_line(const char *path, char *buf, size_t len)
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

char clock_why[128] = "";

/* auto: the TSC when the kernel uses it as its clocksource (then it is
 * synchronized and constant-rate), or when it passes our own warp check
 * across all CPUs (the kernel may distrust it on a heuristic: under QEMU
 * TCG it sees an AMD CPU without invariant TSC); else clock_gettime. */
enum clock_kind clock_choose(const char *want, unsigned cpus)
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
