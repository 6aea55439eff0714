/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's command line parsing (hv/opts.c): sizes, exit lists,
 * defaults, every option, and the errors that make hv exit 2.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "hv/hv.h"
#include "include/types.h" /* the guest's MAX_CPUS */

/* hv must not start vCPUs the guest cannot use (they would never run). */
_Static_assert(HV_MAX_VCPUS == MAX_CPUS, "hv's vCPU limit is the guest's");

static int parse(struct hv_config *cfg, char *err, int argc, ...)
{
	char *argv[32];
	va_list ap;
	int i;

	argv[0] = "hv";
	va_start(ap, argc);
	for (i = 1; i <= argc; i++)
		argv[i] = va_arg(ap, char *);
	va_end(ap);
	argv[argc + 1] = NULL;
	return hv_parse_args(argc + 1, argv, cfg, err, 256);
}

Test(hv_opts, sizes)
{
	uint64_t v;

	cr_assert(hv_parse_size("256M", &v) == 0 && v == 256ull << 20);
	cr_assert(hv_parse_size("1G", &v) == 0 && v == 1ull << 30);
	cr_assert(hv_parse_size("3g", &v) == 0 && v == 3ull << 30);
	cr_assert(hv_parse_size("512K", &v) == 0 && v == 512ull << 10);
	cr_assert(hv_parse_size("2MiB", &v) == 0 && v == 2ull << 20);
	cr_assert(hv_parse_size("4096", &v) == 0 && v == 4096);
	cr_assert_eq(hv_parse_size("", &v), -1);
	cr_assert_eq(hv_parse_size("M", &v), -1);
	cr_assert_eq(hv_parse_size("-1M", &v), -1);
	cr_assert_eq(hv_parse_size("1T", &v), -1);
	cr_assert_eq(hv_parse_size("1MX", &v), -1);
	cr_assert_eq(hv_parse_size("99999999999999999999", &v), -1);
	cr_assert_eq(hv_parse_size("99999999999999G", &v), -1);
}

Test(hv_opts, exit_lists)
{
	uint32_t m;
	char s[64];

	cr_assert(
		hv_parse_exits("hlt,pause", &m) == 0 &&
		m == (KVM_X86_DISABLE_EXITS_HLT | KVM_X86_DISABLE_EXITS_PAUSE));
	cr_assert(hv_parse_exits("none", &m) == 0 && m == 0);
	cr_assert(hv_parse_exits("cstate", &m) == 0 &&
		  m == KVM_X86_DISABLE_EXITS_CSTATE);
	cr_assert_eq(hv_parse_exits("hlt,", &m), -1);
	cr_assert_eq(hv_parse_exits("hl", &m), -1);
	cr_assert_eq(hv_parse_exits("hlt,,pause", &m), -1);
	cr_assert_eq(hv_parse_exits("", &m), -1);
	hv_exits_str(KVM_X86_DISABLE_EXITS_HLT | KVM_X86_DISABLE_EXITS_PAUSE, s,
		     sizeof(s));
	cr_assert_str_eq(s, "hlt,pause");
	hv_exits_str(0, s, sizeof(s));
	cr_assert_str_eq(s, "none");
}

Test(hv_opts, defaults)
{
	struct hv_config c;
	char err[256];

	cr_assert_eq(parse(&c, err, 1, "k.elf"), 0, "%s", err);
	cr_assert_eq(c.vcpus, 1);
	cr_assert_eq(c.mem_size, 256ull << 20);
	cr_assert_eq(c.timeout_s, 60);
	cr_assert_eq(c.halt_poll_ns, -1);
	cr_assert_eq(c.disable_exits, 0);
	cr_assert_not(c.pin);
	cr_assert_null(c.stats_json);
	cr_assert_str_eq(c.cmdline, "");
	cr_assert_str_eq(c.image, "k.elf");
}

/* err is a string after every call, "" on success (the fuzzer once read
 * a stale, unterminated err after an accepted command line). */
Test(hv_opts, err_always_a_string)
{
	struct hv_config c;
	char err[256];

	memset(err, 'x', sizeof(err));
	cr_assert_eq(parse(&c, err, 1, "\277MI"), 0);
	cr_assert_str_eq(err, "");
	memset(err, 'x', sizeof(err));
	cr_assert_eq(parse(&c, err, 1, "--help"), 1);
	cr_assert_str_eq(err, "");
}

Test(hv_opts, all_options)
{
	struct hv_config c;
	char err[256];

	cr_assert_eq(parse(&c, err, 16, "--vcpus", "4", "--mem", "1G",
			   "--timeout", "2.5", "--cmdline", "test=all",
			   "--halt-poll-ns", "0", "--disable-exits", "hlt",
			   "--pin", "--stats-json", "s.json", "k.elf"),
		     0, "%s", err);
	cr_assert_eq(c.vcpus, 4);
	cr_assert_eq(c.mem_size, 1ull << 30);
	cr_assert_eq(c.timeout_s, 2.5);
	cr_assert_str_eq(c.cmdline, "test=all");
	cr_assert_eq(c.halt_poll_ns, 0);
	cr_assert_eq(c.disable_exits, KVM_X86_DISABLE_EXITS_HLT);
	cr_assert(c.pin);
	cr_assert_str_eq(c.stats_json, "s.json");
	cr_assert_str_eq(c.image, "k.elf");
}

Test(hv_opts, errors)
{
	struct hv_config c;
	char err[256];

	cr_assert_eq(parse(&c, err, 0), -1);
	cr_assert_str_eq(err, "no IMAGE given");
	cr_assert_eq(parse(&c, err, 2, "a", "b"), -1);
	cr_assert_eq(parse(&c, err, 3, "--vcpus", "0", "k"), -1);
	cr_assert(strstr(err, "--vcpus"), "%s", err);
	cr_assert_eq(parse(&c, err, 3, "--vcpus", "129", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--vcpus", "65", "k"), -1);
	cr_assert_str_eq(
		err,
		"invalid --vcpus '65': expected a vCPU count from 1 to 64");
	cr_assert_eq(parse(&c, err, 3, "--vcpus", "64", "k"), 0, "%s", err);
	cr_assert_eq(c.vcpus, 64);
	cr_assert_eq(parse(&c, err, 3, "--mem", "4G", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--mem", "1M", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--mem", "1000000", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--timeout", "x", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--halt-poll-ns", "-5", "k"), -1);
	cr_assert_eq(parse(&c, err, 3, "--disable-exits", "nap", "k"), -1);
	cr_assert_eq(parse(&c, err, 2, "--frobnicate", "k"), -1);
	cr_assert(strstr(err, "--frobnicate"), "%s", err);
	cr_assert_eq(parse(&c, err, 1, "--vcpus"), -1);
	cr_assert_eq(parse(&c, err, 1, "--help"), 1);
}

/* The hostile values of issue 12: each one a clear message, never a crash. */
Test(hv_opts, hostile_values)
{
	static const char *const bad[][3] = {
		{ "--vcpus", "0", "a vCPU count from 1 to 64" },
		{ "--vcpus", "1000", "a vCPU count from 1 to 64" },
		{ "--vcpus", "-1", "a vCPU count" },
		{ "--vcpus", "99999999999999999999999", "a vCPU count" },
		{ "--mem", "0", "a size from 2M to 3G" },
		{ "--mem", "1T", "a size from 2M to 3G" },
		{ "--mem", "18446744073709551616", "a size" },
		{ "--timeout", "-1", "seconds >= 0" },
		{ "--timeout", "nan", "seconds >= 0" },
		{ "--timeout", "inf", "seconds >= 0" },
		{ "--timeout", "1e300", "seconds >= 0" },
		{ "--halt-poll-ns", "4294967296", "nanoseconds" },
		{ "--disable-exits", ",", "a comma list" },
	};
	struct hv_config c;
	char err[256], *big = malloc(10241);
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_assert_eq(parse(&c, err, 3, bad[i][0], bad[i][1], "k"), -1,
			     "%s %s accepted", bad[i][0], bad[i][1]);
		cr_assert(strstr(err, bad[i][0]) && strstr(err, bad[i][2]),
			  "%s %s: %s", bad[i][0], bad[i][1], err);
	}
	memset(big, 'x', 10240);
	big[10240] = '\0';
	cr_assert_eq(parse(&c, err, 3, "--cmdline", big, "k"), -1);
	cr_assert(strstr(err, "--cmdline 'xxxx") &&
			  strstr(err, "at most 2048 bytes") &&
			  strlen(err) < 200,
		  "%s", err);
	big[2048] = '\0'; /* the limit itself is fine */
	cr_assert_eq(parse(&c, err, 3, "--cmdline", big, "k"), 0, "%s", err);
	free(big);
}
