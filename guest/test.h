/* SPDX-License-Identifier: MIT */
/*
 * In-guest test suites: registration, checks and the summary line.
 * Output: one "PASS name" / "FAIL name: why" line per check, then
 * "N passed, N failed"; the exit code says the same.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include "types.h"

struct suite {
	const char *name;      /* matched against test=NAME */
	void (*fn)(void);      /* runs the checks; called in thread context */
	unsigned min_cpus;     /* skipped (and said so) with fewer vCPUs */
	bool in_all;           /* part of test=all */
};

/* Register a suite; the linker collects them in section .suites. */
#define SUITE_EX(sname, sfn, mincpus, inall)                                 \
	static const struct suite __suite_##sfn __used                       \
		__section(".suites") __aligned(8) = {                        \
			.name = sname, .fn = sfn, .min_cpus = mincpus,       \
			.in_all = inall}
#define SUITE(sname, sfn) SUITE_EX(sname, sfn, 1, true)

/* One check: prints "PASS name" or "FAIL name: <fmt...>". Returns ok.
 * Safe from any CPU and thread. */
bool report(bool ok, const char *name, const char *fmt, ...) __printf(3, 4);
/* A measurement or note that is not a check: "INFO name: ...". */
void report_info(const char *name, const char *fmt, ...) __printf(2, 3);
void report_skip(const char *name, const char *why);
/* Masked interrupts the entry suite delivers on purpose (tests/guest/
 * entry.c): the end of the run reports only the others. */
extern uint64_t test_irq_drops_expected;
/* A check the suite cannot go on without failed (e.g. a thread it needs
 * could not be spawned): report it, print the summary, end the run with
 * EXIT_TEST_FAILED. */
__noreturn void test_stop(const char *name, const char *fmt, ...) __printf(2, 3);

/* Run the suites selected by spec ("all" or a comma-separated list of
 * names); returns the number of failed checks (unknown names count). */
int test_run(const char *spec);
/* Name of registered suite i (what test= accepts), NULL past the last. */
const char *test_suite_name(unsigned i);

#endif
