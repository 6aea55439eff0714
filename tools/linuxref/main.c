/* SPDX-License-Identifier: MIT */
/*
 * tools/linuxref/main.c: the stock Linux reference guest's benchmarks.
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
#include "tools/linuxref/linuxref.h"

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

		for (unsigned i = 0; i < nbench && len; i++)
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
void fatal(const char *what, int err)
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
	for (unsigned i = 0; i < nbench; i++)
		if (wanted(benches[i].name))
			ran += run_one(&benches[i]);
	printf("BENCH_DONE %u ran, %u failed\n", ran, failures);
	if (is_init)
		power_off();
	fflush(stdout);
	return failures ? 1 : 0;
}
