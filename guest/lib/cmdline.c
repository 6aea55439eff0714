/* SPDX-License-Identifier: MIT */
/*
 * Kernel command line parsing and typed look-ups (see cmdline.h), and the
 * boot command line itself.
 */
#include <string.h>

#include "guest/lib/cmdline.h"

struct cmdline boot_cmdline;

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Split c->buf in place into words; -E2BIG when there are too many. */
static int split_words(struct cmdline *c, size_t len)
{
	size_t i = 0;

	while (i < len) {
		struct cmdline_arg *a;

		if (is_blank(c->buf[i])) {
			c->buf[i++] = 0;
			continue;
		}
		if (c->n == CMDLINE_MAX_ARGS)
			return -E2BIG;
		a = &c->args[c->n++];
		a->key = (uint16_t)i;
		a->val = 0;
		for (; i < len && !is_blank(c->buf[i]); i++) {
			if (c->buf[i] == '=' && !a->val) {
				c->buf[i] = 0;
				a->val = (uint16_t)(i + 1);
			}
		}
		/* A bare key's value is the empty string at its end. */
		if (!a->val)
			a->val = (uint16_t)i;
	}
	return 0;
}

int cmdline_parse(struct cmdline *c, const char *s)
{
	size_t len = s ? strnlen(s, CMDLINE_MAX_LEN + 1) : 0;
	int ret;

	c->n = 0;
	c->buf[0] = 0;
	if (len > CMDLINE_MAX_LEN)
		return -E2BIG;
	memcpy(c->buf, s ? s : "", len);
	c->buf[len] = 0;
	ret = split_words(c, len);
	if (ret) {
		c->n = 0;
		c->buf[0] = 0;
	}
	return ret;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
	unsigned i;

	for (i = c->n; i-- > 0;)
		if (!strcmp(c->buf + c->args[i].key, key))
			return c->buf + c->args[i].val;
	return NULL;
}

bool cmdline_has(const struct cmdline *c, const char *key)
{
	return cmdline_get(c, key) != NULL;
}

bool cmdline_arg(const struct cmdline *c, unsigned i, const char **key,
		 const char **val)
{
	if (i >= c->n)
		return false;
	if (key)
		*key = c->buf + c->args[i].key;
	if (val)
		*val = c->buf + c->args[i].val;
	return true;
}

static int digit_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

int cmdline_strtou64(const char *s, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		int d = digit_value(*s);

		if (d >= (int)base)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			/* Still reject garbage after an overflow. */
			while (*++s)
				if (digit_value(*s) >= (int)base)
					return -EINVAL;
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
	}
	*out = v;
	return 0;
}

static bool word_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

static const char *const bool_yes[] = {
	"", "1", "y", "yes", "on", "true", NULL
};
static const char *const bool_no[] = { "0", "n", "no", "off", "false", NULL };

int cmdline_parse_bool(const char *s, bool *out)
{
	if (word_in(s, bool_yes))
		*out = true;
	else if (word_in(s, bool_no))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

bool cmdline_list_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !strncmp(p, name, n))
			return true;
		p += len + (end ? 1 : 0);
	}
	return false;
}
