/* SPDX-License-Identifier: MIT */
/*
 * The command-line option table, the boot-time check of the whole line
 * against it, the usage text, and typed reads of a value (see options.h).
 */
#include <string.h>

#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/panic.h"

static const char *const kind_name[] = {
	[OPTION_BOOL] = "boolean", [OPTION_NUM] = "number",
	[OPTION_ENUM] = "word", [OPTION_LIST] = "list",
};

static const struct option *option_find(const char *name)
{
	for (const struct option *o = options_begin(); o < options_end(); o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* Word i of an ENUM or LIST (NULL past the end, and for other kinds). */
static const char *option_word(const struct option *o, unsigned i)
{
	return o->words ? o->words[i] : o->word ? o->word(i) : NULL;
}

static bool word_ok(const struct option *o, const char *s, size_t len)
{
	const char *w;

	for (unsigned i = 0; (w = option_word(o, i)); i++)
		if (strlen(w) == len && !strncmp(w, s, len))
			return true;
	return false;
}

/* "a|b|c" (sep "|") or "a b c" into buf. */
static void words_join(const struct option *o, const char *sep, char *buf,
		       size_t len)
{
	const char *w;
	int n = 0;

	buf[0] = 0;
	for (unsigned i = 0; (w = option_word(o, i)) && n < (int)len; i++)
		n += ksnprintf(buf + n, len - n, "%s%s", i ? sep : "", w);
}

/* Each comma-separated name of a list value: known, not empty, not "all". */
static int check_list(const struct option *o, const char *v, char *msg,
		      size_t msglen)
{
	char known[400];

	if (!strcmp(v, "all"))
		return 0;
	for (const char *p = v;; p++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (!len || !word_ok(o, p, len)) {
			words_join(o, " ", known, sizeof(known));
			if (!*v)
				ksnprintf(msg, msglen, "%s= is empty: give all or "
					  "NAME[,NAME...] (names: %s)", o->name, known);
			else if (!len)
				ksnprintf(msg, msglen, "%s=%s has an empty name",
					  o->name, v);
			else
				ksnprintf(msg, msglen, "%s=%s: no %s named '%.*s' "
					  "('all' alone, or names from: %s)",
					  o->name, v, o->name, (int)len, p, known);
			return -EINVAL;
		}
		if (!end)
			return 0;
		p = end;
	}
}

static int check_value(const struct option *o, const char *v, char *msg,
		       size_t msglen)
{
	char words[200];
	uint64_t n;
	bool b;
	int rc;

	switch (o->kind) {
	case OPTION_BOOL:
		if (cmdline_parse_bool(v, &b))
			goto bad;
		return 0;
	case OPTION_NUM:
		rc = cmdline_strtou64(v, &n);
		if (rc == -EINVAL) {
			ksnprintf(msg, msglen, "%s=%s: not a number (give %s=N, N "
				  "in %lu..%lu)", o->name, v, o->name, o->min, o->max);
			return -EINVAL;
		}
		if (rc || n < o->min || n > o->max) {
			ksnprintf(msg, msglen, "%s=%s: out of range %lu..%lu",
				  o->name, v, o->min, o->max);
			return -EINVAL;
		}
		return 0;
	case OPTION_ENUM:
		if (word_ok(o, v, strlen(v)))
			return 0;
		goto bad;
	case OPTION_LIST:
		return check_list(o, v, msg, msglen);
	}
bad:
	if (o->kind == OPTION_BOOL)
		ksnprintf(words, sizeof(words), "bare %s, or =1|0|on|off|yes|no|"
			  "true|false|y|n", o->name);
	else
		words_join(o, "|", words, sizeof(words));
	ksnprintf(msg, msglen, "%s=%s: not a valid %s (give %s)", o->name, v,
		  kind_name[o->kind], words);
	return -EINVAL;
}

/* Blanks separate words; every other byte must be printable ASCII. */
static int check_bytes(const char *line, char *msg, size_t msglen)
{
	for (size_t i = 0; line[i]; i++) {
		unsigned char ch = (unsigned char)line[i];

		if ((ch >= 0x20 && ch < 0x7f) || ch == '\t' || ch == '\n' ||
		    ch == '\r')
			continue;
		ksnprintf(msg, msglen, "byte 0x%02x at offset %lu is not printable "
			  "ASCII", ch, (unsigned long)i);
		return -EINVAL;
	}
	return 0;
}

static int check_words(const struct cmdline *c, char *msg, size_t msglen)
{
	const char *key, *val;

	for (unsigned i = 0; cmdline_arg(c, i, &key, &val); i++) {
		const struct option *o = option_find(key);

		if (!o) {
			ksnprintf(msg, msglen, "unknown command-line option '%s'", key);
			return -EINVAL;
		}
		if (!*val && o->kind != OPTION_BOOL && o->kind != OPTION_LIST) {
			ksnprintf(msg, msglen, "%s needs a value (%s=...)", key, key);
			return -EINVAL;
		}
		if (check_value(o, val, msg, msglen))
			return -EINVAL;
	}
	return 0;
}

/* What is wrong with row o of [b, e), or NULL. */
static const char *row_problem(const struct option *b, const struct option *o)
{
	if (!o->name || !*o->name || strchr(o->name, '=') ||
	    strchr(o->name, ' ') || !o->help || !*o->help)
		return "a name without '=' or blanks, and a help text";
	for (const struct option *p = b; p < o; p++)
		if (!strcmp(p->name, o->name))
			return "registered twice";
	switch (o->kind) {
	case OPTION_BOOL:
		return o->def > 1 ? "a boolean's default is 0 or 1" : NULL;
	case OPTION_NUM:
		return o->min > o->def || o->def > o->max
			       ? "its default is out of its range" : NULL;
	case OPTION_ENUM:
	case OPTION_LIST:
		if (!option_word(o, 0))
			return "no words";
		return o->kind == OPTION_ENUM && o->def_word &&
			       !word_ok(o, o->def_word, strlen(o->def_word))
			       ? "its default is not one of its words" : NULL;
	}
	return "an unknown kind";
}

int options_check_rows(const struct option *b, const struct option *e,
		       char *msg, size_t msglen)
{
	for (const struct option *o = b; o < e; o++) {
		const char *why = row_problem(b, o);

		if (why) {
			ksnprintf(msg, msglen, "option '%s' is malformed (%s)",
				  o->name ? o->name : "(null)", why);
			return -EINVAL;
		}
	}
	return 0;
}

int options_parse(struct cmdline *c, const char *line, bool truncated,
		  char *msg, size_t msglen)
{
	int rc = 0;

	if (msglen)
		msg[0] = 0;
	if (!line)
		line = "";
	/* A malformed registration is a build bug: every boot says so. */
	if (options_check_rows(options_begin(), options_end(), msg, msglen)) {
		rc = -EINVAL;
	} else if (truncated ||
		   strnlen(line, CMDLINE_MAX_LEN + 1) > BOOT_CMDLINE_MAX - 1) {
		ksnprintf(msg, msglen, "command line too long (max %d characters)",
			  BOOT_CMDLINE_MAX - 1);
		rc = -EINVAL;
	} else if (check_bytes(line, msg, msglen)) {
		rc = -EINVAL;
	} else if (cmdline_parse(c, line)) {
		ksnprintf(msg, msglen, "too many words on the command line "
			  "(max %d)", CMDLINE_MAX_ARGS);
		rc = -EINVAL;
	} else {
		rc = check_words(c, msg, msglen);
	}
	if (rc)
		cmdline_parse(c, "");
	return rc;
}

static void usage_line(const struct option *o)
{
	char syn[48], words[400];

	words_join(o, o->kind == OPTION_LIST ? " " : "|", words, sizeof(words));
	switch (o->kind) {
	case OPTION_BOOL:
		ksnprintf(syn, sizeof(syn), "%s[=BOOL]", o->name);
		kprintf("  %-24s %s (default %s)\n", syn, o->help,
			o->def ? "on" : "off");
		break;
	case OPTION_NUM:
		ksnprintf(syn, sizeof(syn), "%s=N", o->name);
		kprintf("  %-24s %s: %lu..%lu (default %lu)\n", syn, o->help,
			o->min, o->max, o->def);
		break;
	case OPTION_ENUM:
		ksnprintf(syn, sizeof(syn), "%s=%s", o->name, words);
		kprintf("  %-24s %s%s%s%s\n", syn, o->help,
			o->def_word ? " (default " : "",
			o->def_word ? o->def_word : "", o->def_word ? ")" : "");
		break;
	case OPTION_LIST:
		ksnprintf(syn, sizeof(syn), "%s=all|NAME,...", o->name);
		kprintf("  %-24s %s; NAME: %s\n", syn, o->help, words);
		break;
	}
}

void options_usage(void)
{
	kprintf("usage: blank-separated words NAME or NAME=VALUE (at most %d "
		"words, %d characters, printable ASCII); the last of a repeated "
		"NAME counts. BOOL: a bare NAME is on; NAME=1|on|yes|true|y is "
		"on, NAME=0|off|no|false|n is off.\n",
		CMDLINE_MAX_ARGS, BOOT_CMDLINE_MAX - 1);
	/* By name: each in turn, the least name above the last printed. */
	for (const char *last = "";;) {
		const struct option *next = NULL;

		for (const struct option *o = options_begin();
		     o < options_end(); o++)
			if (strcmp(o->name, last) > 0 &&
			    (!next || strcmp(o->name, next->name) < 0))
				next = o;
		if (!next)
			break;
		usage_line(next);
		last = next->name;
	}
}

/* The row of name, which callers must have spelled right, of this kind. */
static const struct option *option_get(const char *name, enum option_kind k1,
				       enum option_kind k2)
{
	const struct option *o = option_find(name);

	if (!o || (o->kind != k1 && o->kind != k2))
		panic("option_*(\"%s\"): %s", name,
		      o ? "read as the wrong kind" : "not in the option table");
	return o;
}

bool option_bool(const char *name)
{
	const struct option *o = option_get(name, OPTION_BOOL, OPTION_BOOL);
	const char *v = cmdline_get(&boot_cmdline, name);
	bool b = o->def;

	if (v)
		cmdline_parse_bool(v, &b);
	return b;
}

uint64_t option_u64(const char *name)
{
	const struct option *o = option_get(name, OPTION_NUM, OPTION_NUM);
	const char *v = cmdline_get(&boot_cmdline, name);
	uint64_t n;

	return v && !cmdline_strtou64(v, &n) ? n : o->def;
}

const char *option_str(const char *name)
{
	const struct option *o = option_get(name, OPTION_ENUM, OPTION_LIST);
	const char *v = cmdline_get(&boot_cmdline, name);

	return v ? v : o->def_word;
}
