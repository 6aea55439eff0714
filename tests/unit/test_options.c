/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the command-line option parser (guest/options.c): every
 * registered option with good and bad values, the whole-line limits, the
 * values read back, the usage text, the check of the rows themselves. The
 * guest's options are registered by the files that read them; this test
 * registers copies of some of them (same shapes, same names) with OPTION(),
 * and its suite, benchmark and backend names come from small fake tables.
 */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest/boot.h"
#include "guest/options.h"

/* ---- fakes of what options.c reads from the rest of the kernel ---- */
static const char *const suites[] = { "boot", "sched", "stress", NULL };
static const char *const benches[] = { "yield", "wake_remote", NULL };
static const char *const backends[] = { "xen", "kvm", "none", NULL };

const char *test_suite_name(unsigned i) { return i < 3 ? suites[i] : NULL; }
const char *bench_name(unsigned i) { return i < 2 ? benches[i] : NULL; }
const char *virt_backend_name(unsigned i) { return i < 3 ? backends[i] : NULL; }
static const char *const injections[] = {"join_twice_ok", "no_slice"};
const char *inject_name(unsigned i) { return i < 2 ? injections[i] : NULL; }

OPTION(OPT_LIST("test", test_suite_name, "run in-guest suites (PASS/FAIL lines)"));
OPTION(OPT_LIST("bench", bench_name, "run benchmarks (BENCH lines)"));
OPTION(OPT_BOOL("quick", false, "benchmarks: 1/20 of the samples"));
OPTION(OPT_NUM("bench_pct", 1, 10000, 100, "benchmarks: percent of the samples"));
OPTION(OPT_NUM("slice_us", 20, 10000000, 2000, "round-robin time slice, us"));
OPTION(OPT_ENUM("idle", OPT_WORDS("halt", "poll"), "halt", "what an idle vCPU does"));
OPTION(OPT_NUM("poll_us", 0, 10000000, 0, "idle=halt: poll this long first, us"));
OPTION(OPT_NUM("stress_ms", 10, 3600000, 1500, "length of the stress suite, ms"));
OPTION(OPT_ENUM_FN("virt", virt_backend_name, NULL, "force a backend"));
OPTION(OPT_BOOL("nopv", false, "KVM: no paravirtual feature at all"));
OPTION(OPT_BOOL("kvmclock", true, "KVM: kvmclock as the clock"));
OPTION(OPT_BOOL("pveoi", true, "KVM: paravirtual EOI"));
OPTION(OPT_BOOL("pvipi", true, "KVM: PV send-IPI hypercall"));
OPTION(OPT_BOOL("steal", true, "steal time"));
OPTION(OPT_BOOL("nox2apic", false, "x86: use the xAPIC, not x2APIC"));
OPTION(OPT_BOOL("notscdeadline", false, "x86: LAPIC one-shot, not TSC-deadline"));
OPTION(OPT_LIST("inject", inject_name, "break one kernel feature each"));

static char out[16384];
static size_t out_len;

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out_len += (size_t)vsnprintf(out + out_len, sizeof(out) - out_len, fmt, ap);
	va_end(ap);
}

void panic(const char *fmt, ...)
{
	abort();
}

/* ---- helpers ---- */
static char msg[640];

static int parse(const char *line)
{
	memset(msg, 'Z', sizeof(msg));
	return options_parse(&boot_cmdline, line, false, msg, sizeof(msg));
}

static void good(const char *line)
{
	cr_assert_eq(parse(line), 0, "\"%s\" refused: %s", line, msg);
	cr_assert_str_eq(msg, "", "no message for a good line");
}

/* Refused, the reason names `want`, and nothing is left to read. */
static void bad(const char *line, const char *want)
{
	cr_assert_eq(parse(line), -EINVAL, "\"%s\" accepted", line);
	cr_assert(strstr(msg, want), "\"%s\": message \"%s\" lacks \"%s\"", line,
		  msg, want);
	cr_assert_eq(boot_cmdline.n, 0, "\"%s\": a refused line is left behind",
		     line);
}

static void badf(const char *want, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	bad(line, want);
}

static void goodf(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	good(line);
}

static const char *word_at(const struct option *o, unsigned i)
{
	return o->words ? o->words[i] : o->word(i);
}

/* ---- the table itself ---- */
Test(options, table_is_well_formed)
{
	char msg[160];

	cr_assert_gt(options_end() - options_begin(), 10);
	cr_assert_eq(options_check_rows(options_begin(), options_end(), msg,
					sizeof(msg)), 0, "%s", msg);
	for (const struct option *o = options_begin(); o < options_end(); o++) {
		cr_assert(o->name && *o->name && o->help && *o->help);
		for (const struct option *p = options_begin(); p < o; p++)
			cr_assert_str_neq(o->name, p->name, "duplicate");
		for (const char *p = o->name; *p; p++)
			cr_assert(*p != '=' && *p != ' ', "%s", o->name);
		switch (o->kind) {
		case OPTION_BOOL:
			cr_assert(o->def <= 1, "%s", o->name);
			break;
		case OPTION_NUM:
			cr_assert(o->min <= o->def && o->def <= o->max, "%s", o->name);
			break;
		case OPTION_ENUM:
		case OPTION_LIST:
			cr_assert(o->words || o->word, "%s has no words", o->name);
			cr_assert_not_null(word_at(o, 0), "%s: no words", o->name);
			if (o->def_word) {
				bool found = false;

				for (unsigned k = 0; word_at(o, k); k++)
					found |= !strcmp(word_at(o, k), o->def_word);
				cr_assert(found, "%s: default not a word", o->name);
			}
			break;
		default:
			cr_assert_fail("%s: unknown kind", o->name);
		}
	}
}

/* ---- every option, by kind, with good and bad values ---- */
static void bool_cases(const struct option *o)
{
	static const char *const on[] = { "1", "on", "yes", "true", "y" };
	static const char *const off[] = { "0", "off", "no", "false", "n" };
	static const char *const nonsense[] = { "2", "maybe", "-1", "ON", "0x1" };
	const char *n = o->name;

	good("");
	cr_assert_eq(option_bool(n), (bool)o->def, "%s: default", n);
	good(n);
	cr_assert(option_bool(n), "bare %s is on", n);
	for (unsigned i = 0; i < 5; i++) {
		goodf("%s=%s", n, on[i]);
		cr_assert(option_bool(n), "%s=%s is on", n, on[i]);
		goodf("%s=%s", n, off[i]);
		cr_assert(!option_bool(n), "%s=%s is off", n, off[i]);
		badf(n, "%s=%s", n, nonsense[i]);
	}
	goodf("%s=0 %s", n, n);
	cr_assert(option_bool(n), "%s: the last word counts", n);
}

static void num_cases(const struct option *o)
{
	const char *n = o->name;

	good("");
	cr_assert_eq(option_u64(n), o->def, "%s: default", n);
	goodf("%s=%lu", n, o->min);
	cr_assert_eq(option_u64(n), o->min);
	goodf("%s=%lu", n, o->max);
	cr_assert_eq(option_u64(n), o->max);
	goodf("%s=%#lx", n, o->max);
	cr_assert_eq(option_u64(n), o->max, "%s: hex", n);
	badf("out of range", "%s=%lu", n, o->max + 1);
	if (o->min > 0)
		badf("out of range", "%s=%lu", n, o->min - 1);
	badf("out of range", "%s=99999999999999999999999", n);
	badf("not a number", "%s=abc", n);
	badf("not a number", "%s=-1", n);
	badf("not a number", "%s=-5", n);
	badf("not a number", "%s=12x", n);
	badf("not a number", "%s=+5", n);
	badf("needs a value", "%s", n);
	badf("needs a value", "%s=", n);
}

static void enum_cases(const struct option *o)
{
	const char *n = o->name, *w;

	good("");
	if (o->def_word)
		cr_assert_str_eq(option_str(n), o->def_word, "%s: default", n);
	else
		cr_assert_null(option_str(n), "%s: no default", n);
	for (unsigned i = 0; (w = word_at(o, i)); i++) {
		goodf("%s=%s", n, w);
		cr_assert_str_eq(option_str(n), w);
		badf("not a valid word", "%s=%sx", n, w);
	}
	badf("not a valid word", "%s=bogus", n);
	badf("needs a value", "%s", n);
	badf("needs a value", "%s=", n);
}

static void list_cases(const struct option *o)
{
	const char *n = o->name, *w0 = word_at(o, 0), *w;

	good("");
	cr_assert_null(option_str(n), "%s: absent", n);
	goodf("%s=all", n);
	cr_assert_str_eq(option_str(n), "all");
	for (unsigned i = 0; (w = word_at(o, i)); i++)
		goodf("%s=%s", n, w);
	if (word_at(o, 1)) {
		goodf("%s=%s,%s", n, word_at(o, 1), w0);
		goodf("%s=%s,%s", n, w0, w0);
	}
	badf("is empty", "%s", n);
	badf("is empty", "%s=", n);
	badf("no ", "%s=nosuch", n);
	badf("'nosuch'", "%s=%s,nosuch", n, w0);
	badf("'all'", "%s=all,%s", n, w0);
	badf("empty name", "%s=%s,,%s", n, w0, w0);
	badf("empty name", "%s=%s,", n, w0);
	badf("empty name", "%s=,%s", n, w0);
}

Test(options, every_option_good_and_bad_values)
{
	for (const struct option *o = options_begin(); o < options_end(); o++) {
		switch (o->kind) {
		case OPTION_BOOL: bool_cases(o); break;
		case OPTION_NUM: num_cases(o); break;
		case OPTION_ENUM: enum_cases(o); break;
		case OPTION_LIST: list_cases(o); break;
		}
	}
}

/* ---- the values of issue 12, one by one ---- */
Test(options, issue_12_values)
{
	bad("test=all slice_us=0", "slice_us=0: out of range 20..");
	bad("test=all slice_us=-1", "slice_us=-1: not a number");
	bad("test=all slice_us=abc", "slice_us=abc: not a number");
	bad("test=all poll_us=-5", "poll_us=-5: not a number");
	bad("bench=all bench_pct=0", "bench_pct=0: out of range 1..");
	bad("test=stress stress_ms=0", "stress_ms=0: out of range 10..");
	bad("test=all idle=bogus", "idle=bogus: not a valid word (give halt|poll)");
	bad("test=all virt=bogus", "virt=bogus: not a valid word (give xen|kvm|none)");
	bad("test=", "test= is empty");
	bad("bench=yield,nosuch", "no bench named 'nosuch'");
	bad("test=nosuch", "no test named 'nosuch'");
	bad("test=all seed=1", "unknown command-line option 'seed'");
	bad("test=all quiet", "unknown command-line option 'quiet'");
	bad("test=all bogus=1", "unknown command-line option 'bogus'");

	good("test=all nox2apic=0 nopv=0 notscdeadline=false kvmclock=0 pveoi=no");
	cr_assert(!option_bool("nox2apic"));
	cr_assert(!option_bool("nopv"));
	cr_assert(!option_bool("notscdeadline"));
	cr_assert(!option_bool("kvmclock"));
	cr_assert(!option_bool("pveoi"));
	cr_assert(option_bool("pvipi"), "pvipi is on unless said off");
	good("test=all");
	cr_assert(option_bool("kvmclock") && option_bool("pveoi"));
	cr_assert(option_bool("steal") && option_bool("pvipi"));
	good("test=all steal=off pvipi=off");
	cr_assert(!option_bool("steal") && !option_bool("pvipi"));
	good("test=all nox2apic notscdeadline nopv pvipi");
	cr_assert(option_bool("nox2apic") && option_bool("notscdeadline"));
	cr_assert(option_bool("nopv") && option_bool("pvipi"));
	good("test=all slice_us=500 idle=poll poll_us=0x10");
	cr_assert_eq(option_u64("slice_us"), 500);
	cr_assert_str_eq(option_str("idle"), "poll");
	cr_assert_eq(option_u64("poll_us"), 16);
	cr_assert_str_eq(option_str("test"), "all");
	cr_assert_null(option_str("bench"));
}

/* ---- the whole line ---- */
Test(options, word_limit_has_its_own_message)
{
	char s[CMDLINE_MAX_LEN + 1] = "";

	for (int i = 0; i < CMDLINE_MAX_ARGS; i++)
		strcat(s, "quick ");
	good(s);
	strcat(s, "quick");
	bad(s, "too many words on the command line (max 64)");
	cr_assert_null(strstr(msg, "too long"));
}

Test(options, length_limit)
{
	char s[BOOT_CMDLINE_MAX + 8];
	size_t n = strlen("bench_pct=");

	/* bench_pct=000...0100: exactly the longest line the boot keeps. */
	memset(s, '0', sizeof(s));
	memcpy(s, "bench_pct=", n);
	memcpy(s + BOOT_CMDLINE_MAX - 1 - 3, "100", 3);
	s[BOOT_CMDLINE_MAX - 1] = 0;
	good(s);
	cr_assert_eq(option_u64("bench_pct"), 100);
	cr_assert_eq(options_parse(&boot_cmdline, s, true, msg, sizeof(msg)),
		     -EINVAL, "the loader cut it");
	cr_assert(strstr(msg, "too long (max 1023 characters)"), "%s", msg);
	s[BOOT_CMDLINE_MAX - 1] = '0';
	s[BOOT_CMDLINE_MAX] = 0;
	bad(s, "too long (max 1023 characters)");
}

Test(options, non_ascii_and_control_bytes)
{
	bad("test=boot\xc3\xa9", "byte 0xc3 at offset 9 is not printable ASCII");
	bad("test=all\x01", "byte 0x01");
	bad("test=all \x7f", "byte 0x7f");
	bad("\xff", "byte 0xff at offset 0");
	good("\ttest=all\r\n quick\n");
	cr_assert_str_eq(option_str("test"), "all");
}

Test(options, every_occurrence_is_checked)
{
	bad("slice_us=abc slice_us=100 test=all", "slice_us=abc");
	good("slice_us=30 slice_us=100 test=all");
	cr_assert_eq(option_u64("slice_us"), 100);
}

Test(options, refused_line_reads_as_defaults)
{
	bad("virt=bogus slice_us=500", "virt=bogus");
	cr_assert_null(option_str("virt"), "virt_select auto-detects");
	cr_assert_eq(option_u64("slice_us"), 2000);
	cr_assert_eq(options_parse(&boot_cmdline, NULL, false, msg, sizeof(msg)), 0);
}

Test(options, usage_lists_every_option_and_the_bool_rule)
{
	out_len = 0;
	out[0] = 0;
	options_usage();
	for (const struct option *o = options_begin(); o < options_end(); o++) {
		char want[64];

		snprintf(want, sizeof(want), "\n  %s", o->name);
		cr_assert(strstr(out, want), "usage lacks %s", o->name);
		cr_assert(strstr(out, o->help), "usage lacks %s's help", o->name);
	}
	/* By name: "bench" before "bench_pct" before "idle" before "virt". */
	cr_assert(strstr(out, "\n  bench=") < strstr(out, "\n  bench_pct=") &&
		  strstr(out, "\n  bench_pct=") < strstr(out, "\n  idle=") &&
		  strstr(out, "\n  idle=") < strstr(out, "\n  virt="));
	cr_assert(strstr(out, "a bare NAME is on"));
	cr_assert(strstr(out, "NAME=0|off|no|false|n is off"));
	cr_assert(strstr(out, "slice_us=N"));
	cr_assert(strstr(out, "20..10000000 (default 2000)"));
	cr_assert(strstr(out, "idle=halt|poll"));
	cr_assert(strstr(out, "NAME: boot sched stress"), "real names listed");
}

Test(options, reading_an_option_not_in_the_table_panics, .signal = SIGABRT)
{
	good("");
	option_u64("slice_ms");
}

Test(options, reading_as_the_wrong_kind_panics, .signal = SIGABRT)
{
	good("");
	option_bool("slice_us");
}

/* A malformed registration is refused, with its name and why. */
static const struct option word[] = {
	OPT_ENUM("e", OPT_WORDS("x", "y"), "z", "x")};
static const struct option ok[] = {
	OPT_ENUM("e", OPT_WORDS("x", "y"), "y", "x"), OPT_NUM("n", 5, 9, 9, "x")};

Test(options, malformed_rows_are_named)
{
	static const struct option dup[] = {
		OPT_BOOL("a", false, "x"), OPT_BOOL("a", true, "y")};
	static const struct option eq[] = {OPT_BOOL("a=b", false, "x")};
	static const struct option nohelp[] = {OPT_BOOL("a", false, "")};
	static const struct option range[] = {OPT_NUM("n", 5, 9, 10, "x")};
	static const struct option boolean[] = {OPT_BOOL("b", 2, "x")};
	char msg[160];

#define BAD(rows, why)                                                         \
	do {                                                                   \
		cr_assert_eq(options_check_rows(rows, rows + ARRAY_SIZE(rows), \
						msg, sizeof(msg)), -EINVAL);   \
		cr_assert(strstr(msg, why), "%s", msg);                       \
	} while (0)
	BAD(dup, "'a' is malformed (registered twice)");
	BAD(eq, "without '='");
	BAD(nohelp, "help text");
	BAD(range, "'n' is malformed (its default is out of its range)");
	BAD(boolean, "0 or 1");
	BAD(word, "not one of its words");
	cr_assert_eq(options_check_rows(ok, ok + 2, msg, sizeof(msg)), 0);
}
