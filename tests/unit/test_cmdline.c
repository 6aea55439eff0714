/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the command line parser (guest/lib/cmdline.c): splitting,
 * look-ups, typed values, limits and unknown-key reports.
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
	uint64_t v;

	cr_assert_eq(cmdline_parse(&c,
				   "a=2000 b=0x1F c=0 d=18446744073709551615"
				   " e=18446744073709551616 f=12x g=-1 "
				   "h=0x i bare j=0xffffffffffffffff0 "
				   "k=+5 l= 1 m=007"),
		     0);
	cr_assert_eq(cmdline_get_u64(&c, "a", 7, 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 2000);
	cr_assert_eq(cmdline_get_u64(&c, "b", 7, 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 31);
	cr_assert_eq(cmdline_get_u64(&c, "c", 7, 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 0);
	cr_assert_eq(cmdline_get_u64(&c, "d", 7, 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(cmdline_get_u64(&c, "m", 7, 0, UINT64_MAX, &v), 0);
	cr_assert_eq(v, 7);
	cr_assert_eq(cmdline_get_u64(&c, "absent", 7, 0, 5, &v), 0);
	cr_assert_eq(v, 7, "absent keys give the default");

	cr_assert_eq(cmdline_get_u64(&c, "e", 7, 0, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(v, 7);
	cr_assert_eq(cmdline_get_u64(&c, "j", 7, 0, UINT64_MAX, &v), -ERANGE);
	cr_assert_eq(v, 7);
	cr_assert_eq(cmdline_get_u64(&c, "f", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(v, 7);
	cr_assert_eq(cmdline_get_u64(&c, "g", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(cmdline_get_u64(&c, "h", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(cmdline_get_u64(&c, "i", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(cmdline_get_u64(&c, "k", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(cmdline_get_u64(&c, "l", 7, 0, UINT64_MAX, &v), -EINVAL);
	cr_assert_eq(v, 7);
}

Test(cmdline, number_ranges)
{
	uint64_t v;

	cr_assert_eq(cmdline_parse(&c, "slice_us=2000"), 0);
	cr_assert_eq(cmdline_get_u64(&c, "slice_us", 1, 2000, 2000, &v), 0);
	cr_assert_eq(v, 2000);
	cr_assert_eq(cmdline_get_u64(&c, "slice_us", 1, 2001, 5000, &v),
		     -ERANGE);
	cr_assert_eq(v, 1);
	cr_assert_eq(cmdline_get_u64(&c, "slice_us", 1, 10, 1999, &v), -ERANGE);
	cr_assert_eq(v, 1);
	/* A default outside [min, max] is returned as given. */
	cr_assert_eq(cmdline_get_u64(&c, "nope", 99999, 10, 1999, &v), 0);
	cr_assert_eq(v, 99999);
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
	static const char *const t[] = { "a", "b", "c", "d", "e", "f" };
	static const char *const f[] = { "g", "h", "i", "j", "k" };
	bool v;
	size_t i;

	cr_assert_eq(cmdline_parse(&c, "a b=1 c=y d=yes e=on f=true g=0 h=n "
				       "i=no j=off k=false x=maybe y=2 z="),
		     0);
	for (i = 0; i < ARRAY_SIZE(t); i++) {
		v = false;
		cr_assert_eq(cmdline_get_bool(&c, t[i], false, &v), 0, "%s",
			     t[i]);
		cr_assert(v, "%s should be true", t[i]);
	}
	for (i = 0; i < ARRAY_SIZE(f); i++) {
		v = true;
		cr_assert_eq(cmdline_get_bool(&c, f[i], true, &v), 0, "%s",
			     f[i]);
		cr_assert(!v, "%s should be false", f[i]);
	}
	cr_assert_eq(cmdline_get_bool(&c, "x", true, &v), -EINVAL);
	cr_assert(v);
	cr_assert_eq(cmdline_get_bool(&c, "y", false, &v), -EINVAL);
	cr_assert(!v);
	/* "z=" reads like a bare key. */
	cr_assert_eq(cmdline_get_bool(&c, "z", false, &v), 0);
	cr_assert(v);
	cr_assert_eq(cmdline_get_bool(&c, "absent", true, &v), 0);
	cr_assert(v);
	cr_assert_eq(cmdline_get_bool(&c, "absent", false, &v), 0);
	cr_assert(!v);
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

Test(cmdline, unknown_keys)
{
	static const char *const known[] = { "test", "slice_us", "idle",
					     "quiet", NULL };
	char bad[8];

	cr_assert_eq(cmdline_parse(&c, "test=all idle=poll quiet"), 0);
	memset(bad, 'Z', sizeof(bad));
	cr_assert_eq(cmdline_check_known(&c, known, bad, sizeof(bad)), 0);
	cr_assert_eq(bad[0], 'Z', "nothing written when all are known");

	cr_assert_eq(cmdline_parse(&c, "test=all tset=1 idle=poll zz"), 0);
	cr_assert_eq(cmdline_check_known(&c, known, bad, sizeof(bad)), -ENOENT);
	cr_assert_str_eq(bad, "tset", "the first unknown key is reported");

	cr_assert_eq(cmdline_parse(&c, "quiet averyveryverylongkey=3"), 0);
	cr_assert_eq(cmdline_check_known(&c, known, bad, sizeof(bad)), -ENOENT);
	cr_assert_str_eq(bad, "averyve", "truncated to fit");
	cr_assert_eq(cmdline_check_known(&c, known, NULL, 0), -ENOENT);
	cr_assert_eq(cmdline_check_known(&c, known, bad, 1), -ENOENT);
	cr_assert_str_eq(bad, "");
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
