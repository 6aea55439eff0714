/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the command line parser (guest/lib/cmdline.c): splitting,
 * look-ups, number and boolean words, limits (the option table's checks:
 * test_options.c).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "guest/lib/cmdline.h"

static struct cmdline c;

Test(cmdline, words_values_and_bare_keys)
{
	const char *k, *v;

	cr_assert_eq(cmdline_parse(&c, "test=all slice_us=2000 idle=poll "
				       "nopv quiet"),
		     0);
	cr_assert_eq(c.n, 5);
	cr_assert_str_eq(cmdline_get(&c, "test"), "all");
	cr_assert_str_eq(cmdline_get(&c, "slice_us"), "2000");
	cr_assert_str_eq(cmdline_get(&c, "idle"), "poll");
	cr_assert_str_eq(cmdline_get(&c, "nopv"), "");
	cr_assert_str_eq(cmdline_get(&c, "quiet"), "");
	cr_assert_null(cmdline_get(&c, "missing"));
	cr_assert_null(cmdline_get(&c, "tes"));
	cr_assert_null(cmdline_get(&c, "all"));
	cr_assert(cmdline_has(&c, "nopv"));
	cr_assert(!cmdline_has(&c, "pv"));
	cr_assert(cmdline_arg(&c, 3, &k, &v));
	cr_assert_str_eq(k, "nopv");
	cr_assert_str_eq(v, "");
	cr_assert(cmdline_arg(&c, 0, &k, &v));
	cr_assert_str_eq(k, "test");
	cr_assert_str_eq(v, "all");
	cr_assert(!cmdline_arg(&c, 5, &k, &v));
}

Test(cmdline, blanks_equals_and_empty)
{
	cr_assert_eq(cmdline_parse(&c, "  \ta=1\n\n b==x  c= d=e=f  \r\n"), 0);
	cr_assert_eq(c.n, 4);
	cr_assert_str_eq(cmdline_get(&c, "a"), "1");
	cr_assert_str_eq(cmdline_get(&c, "b"), "=x");
	cr_assert_str_eq(cmdline_get(&c, "c"), "");
	cr_assert_str_eq(cmdline_get(&c, "d"), "e=f");
	cr_assert_eq(cmdline_parse(&c, ""), 0);
	cr_assert_eq(c.n, 0);
	cr_assert_eq(cmdline_parse(&c, "   "), 0);
	cr_assert_eq(c.n, 0);
	cr_assert_eq(cmdline_parse(&c, NULL), 0);
	cr_assert_eq(c.n, 0);
	cr_assert_null(cmdline_get(&c, ""));
}

Test(cmdline, last_occurrence_wins)
{
	cr_assert_eq(cmdline_parse(&c, "x=1 y x=2 y=5 x=3"), 0);
	cr_assert_str_eq(cmdline_get(&c, "x"), "3");
	cr_assert_str_eq(cmdline_get(&c, "y"), "5");
	cr_assert_eq(cmdline_parse(&c, "y=5 y"), 0);
	cr_assert_str_eq(cmdline_get(&c, "y"), "");
}

Test(cmdline, copy_is_independent)
{
	struct cmdline copy;

	cr_assert_eq(cmdline_parse(&c, "a=1 b=2"), 0);
	copy = c;
	cr_assert_eq(cmdline_parse(&c, "a=9"), 0);
	cr_assert_str_eq(cmdline_get(&copy, "a"), "1");
	cr_assert_str_eq(cmdline_get(&copy, "b"), "2");
	cr_assert_null(cmdline_get(&c, "b"));
}

Test(cmdline, numbers)
{
	static const struct { const char *s; int rc; uint64_t v; } t[] = {
		{"2000", 0, 2000}, {"0x1F", 0, 31}, {"0", 0, 0}, {"007", 0, 7},
		{"18446744073709551615", 0, UINT64_MAX},
		{"18446744073709551616", -ERANGE, 0},
		{"0xffffffffffffffff0", -ERANGE, 0},
		{"12x", -EINVAL, 0}, {"-1", -EINVAL, 0}, {"0x", -EINVAL, 0},
		{"", -EINVAL, 0}, {"+5", -EINVAL, 0}, {" 1", -EINVAL, 0},
	};

	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint64_t v = 7;

		cr_assert_eq(cmdline_strtou64(t[i].s, &v), t[i].rc, "\"%s\"", t[i].s);
		cr_assert_eq(v, t[i].rc ? 7 : t[i].v, "\"%s\"", t[i].s);
	}
}

Test(cmdline, strtou64)
{
	uint64_t v = 5;

	cr_assert_eq(cmdline_strtou64("0X10", &v), 0);
	cr_assert_eq(v, 16);
	cr_assert_eq(cmdline_strtou64("0xABCdef", &v), 0);
	cr_assert_eq(v, 0xabcdef);
	cr_assert_eq(cmdline_strtou64("", &v), -EINVAL);
	cr_assert_eq(cmdline_strtou64("12a", &v), -EINVAL);
	cr_assert_eq(cmdline_strtou64("99999999999999999999999x", &v), -EINVAL);
	cr_assert_eq(cmdline_strtou64("99999999999999999999999", &v), -ERANGE);
	cr_assert_eq(v, 0xabcdef, "errors leave *out alone");
}

Test(cmdline, booleans)
{
	static const char *const yes[] = { "", "1", "y", "yes", "on", "true" };
	static const char *const no[] = { "0", "n", "no", "off", "false" };
	static const char *const bad[] = { "maybe", "2", "ON", " 1", "-1" };
	bool v;

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		v = false;
		cr_assert_eq(cmdline_parse_bool(yes[i], &v), 0, "\"%s\"", yes[i]);
		cr_assert(v, "\"%s\" should be true", yes[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
		v = true;
		cr_assert_eq(cmdline_parse_bool(no[i], &v), 0, "\"%s\"", no[i]);
		cr_assert(!v, "\"%s\" should be false", no[i]);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		v = true;
		cr_assert_eq(cmdline_parse_bool(bad[i], &v), -EINVAL, "\"%s\"", bad[i]);
		cr_assert(v, "errors leave *out alone");
	}
}

Test(cmdline, length_limit)
{
	char s[CMDLINE_MAX_LEN + 2];

	memset(s, 'a', CMDLINE_MAX_LEN);
	s[CMDLINE_MAX_LEN] = 0;
	s[0] = 'k';
	s[1] = '=';
	cr_assert_eq(cmdline_parse(&c, s), 0, "exactly the maximum fits");
	cr_assert_eq(strlen(cmdline_get(&c, "k")), CMDLINE_MAX_LEN - 2);
	s[CMDLINE_MAX_LEN] = 'a';
	s[CMDLINE_MAX_LEN + 1] = 0;
	cr_assert_eq(cmdline_parse(&c, s), -E2BIG);
	cr_assert_eq(c.n, 0, "a refused line leaves nothing behind");
	cr_assert_null(cmdline_get(&c, "k"));
}

Test(cmdline, word_limit)
{
	char s[CMDLINE_MAX_LEN + 1] = "";
	size_t len = 0;
	int i;

	for (i = 0; i < CMDLINE_MAX_ARGS; i++)
		len += (size_t)snprintf(s + len, sizeof(s) - len, "w%d=%d ", i,
					i);
	cr_assert_eq(cmdline_parse(&c, s), 0);
	cr_assert_eq(c.n, CMDLINE_MAX_ARGS);
	cr_assert_str_eq(cmdline_get(&c, "w63"), "63");
	snprintf(s + len, sizeof(s) - len, "one_more");
	cr_assert_eq(cmdline_parse(&c, s), -E2BIG);
	cr_assert_eq(c.n, 0);
}

Test(cmdline, boot_cmdline_global)
{
	cr_assert_eq(cmdline_parse(&boot_cmdline, "test=all"), 0);
	cr_assert_str_eq(cmdline_get(&boot_cmdline, "test"), "all");
}

Test(cmdline, list_has)
{
	cr_assert(cmdline_list_has("a,bb,c", "bb"));
	cr_assert(cmdline_list_has("a", "a"));
	cr_assert(cmdline_list_has("a,bb,c", "c"));
	cr_assert_not(cmdline_list_has("a,bb,c", "b"));
	cr_assert_not(cmdline_list_has("abc", "ab"));
	cr_assert_not(cmdline_list_has("", "a"));
	cr_assert(cmdline_list_has("a,,b", "b"));
}
