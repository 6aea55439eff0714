/* SPDX-License-Identifier: MIT */
/* The in-guest test runner: suite selection, PASS/FAIL lines, counts. */
#include <string.h>

#include "guest/kernel.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/test.h"
#include "guest/options.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_LIST("test", test_suite_name,
		"run in-guest suites (PASS/FAIL lines)"));

extern const struct suite __suites_start[], __suites_end[];
static unsigned passed, failed;

bool report(bool ok, const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	if (ok) {
		__atomic_fetch_add(&passed, 1, __ATOMIC_RELAXED);
		kprintf("PASS %s\n", name);
		return true;
	}
	va_start(ap, fmt);
	kvsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	__atomic_fetch_add(&failed, 1, __ATOMIC_RELAXED);
	kprintf("FAIL %s: %s\n", name, why);
	return false;
}

void report_info(const char *name, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("INFO %s: %s\n", name, msg);
}

void report_skip(const char *name, const char *why)
{
	kprintf("SKIP %s: %s\n", name, why);
}

__noreturn void test_stop(const char *name, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	report(false, name, "%s", why);
	kprintf("vsched: stopping the tests: the suite cannot go on (%s)\n", name);
	kprintf("%u passed, %u failed\n", passed, failed);
	kernel_shutdown(EXIT_TEST_FAILED);
}

const char *test_suite_name(unsigned i)
{
	return i < (unsigned)(__suites_end - __suites_start)
		       ? __suites_start[i].name : NULL;
}

static void run_suite(const struct suite *s)
{
	if (cpu_count() < s->min_cpus) {
		char why[64];

		ksnprintf(why, sizeof(why), "needs %u vCPUs, have %u",
			  s->min_cpus, cpu_count());
		report_skip(s->name, why);
		return;
	}
	kprintf("SUITE %s\n", s->name);
	s->fn();
}

uint64_t test_irq_drops_expected;

int test_run(const char *spec)
{
	bool all = !strcmp(spec, "all");

	/* options_parse() refused names that match no suite at boot. */
	for (const struct suite *s = __suites_start; s < __suites_end; s++)
		if ((all && s->in_all) || (!all && cmdline_list_has(spec, s->name)))
			run_suite(s);
	uint64_t dropped = arch_irq_masked_dropped();

	if (dropped > test_irq_drops_expected)
		kprintf("vsched: dropped %lu interrupts delivered while masked "
			"(a hypervisor delivering one it had delivered)\n",
			dropped - test_irq_drops_expected);
	kprintf("%u passed, %u failed\n", passed, failed);
	return (int)failed;
}
