/* SPDX-License-Identifier: MIT */
/*
 * The command-line option table, the boot-time check of the whole line
 * against it, the usage text, and typed reads of a value (see options.h).
 */
#include <string.h>

#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/inject.h"
#include "guest/options.h"
#include "guest/panic.h"
#include "guest/test.h"
#include "guest/trace.h"

/* Adding an option is one row here; read it with option_*(). */
const struct option options[] = {
	OPT_LIST("test", test_suite_name, "run in-guest suites (PASS/FAIL lines)"),
	OPT_LIST("bench", bench_name, "run benchmarks (BENCH lines)"),
	OPT_BOOL("quick", false, "benchmarks: 1/20 of the samples"),
	OPT_NUM("bench_pct", 1, 10000, 100, "benchmarks: percent of the samples"),
	OPT_BOOL("demo", false, "run a small mixed workload, print the threads"),
	OPT_BOOL("threads", false, "print the thread table"),
	OPT_LIST("trace", trace_group_name, "event trace: on (every group) or "
		 "groups; dumped at the end of the run and on a panic"),
	OPT_NUM("alert_wake_us", 0, 10000000, 0, "audit log: record each "
		"wakeup that waited longer, us (0: off)"),
	OPT_NUM("alert_rq", 0, 100000, 0, "audit log: record a run queue "
		"growing past this many threads (0: off)"),
	OPT_NUM("trace_kb", 4, 4096, 256, "trace: ring size per vCPU, KiB "
		"(rounded up to a power of two pages)"),
	OPT_NUM("slice_us", 20, 10000000, 2000, "round-robin time slice, us"),
	OPT_ENUM("idle", OPT_WORDS("halt", "poll"), "halt",
		 "what an idle vCPU does"),
	OPT_NUM("poll_us", 0, 10000000, 0, "idle=halt: poll this long first, us"),
	OPT_NUM("mutex_spin_us", 0, 10000, 0, "mutex: spin this long on an "
		"owner running elsewhere before sleeping (0: never)"),
	OPT_BOOL("pvspin", false, "paravirtual spinlocks: a waiter past "
		 "pvspin_spins halts until kicked (Xen, KVM)"),
	OPT_NUM("pvspin_spins", 1, 100000000, 1024, "spins before a "
		"spinlock waiter halts (pvspin)"),
	OPT_BOOL("pvyield", true, "directed yield: a vCPU waiting on a "
		 "preempted vCPU yields to it (KVM, Xen)"),
	OPT_NUM("stress_ms", 10, 3600000, 1500, "length of the stress suite, ms"),
	OPT_NUM("many_threads", 1, 1000000, 10000,
		"threads alive at once in the threads_many suite"),
	OPT_ENUM_FN("virt", virt_backend_name, NULL,
		    "force a backend (default: the first detected)"),
	OPT_BOOL("nopv", false, "KVM: no paravirtual feature at all"),
	OPT_BOOL("kvmclock", true, "KVM: kvmclock as the clock"),
	OPT_BOOL("pveoi", true, "KVM: paravirtual EOI"),
	OPT_BOOL("pvipi", true, "KVM: PV send-IPI hypercall (off by itself "
		 "where a boot probe finds hypercalls do nothing)"),
	OPT_BOOL("steal", true, "steal time: KVM's steal-time record, Xen's "
		 "runstate area (off: none, stalls charged as run time)"),
	OPT_BOOL("nox2apic", false, "x86: use the xAPIC, not x2APIC"),
	OPT_BOOL("notscdeadline", false, "x86: LAPIC one-shot, not TSC-deadline"),
	OPT_LIST("inject", inject_name, "break one kernel feature each, on "
		 "purpose (negative tests)"),
	OPT_BOOL("expect_steal", false, "suite steal: the host is overcommitted,"
		 " steal time must be seen"),
	OPT_BOOL("strict_timing", false, "timing checks with the tight bounds "
		 "of an exact (icount) clock"),
	OPT_ENUM("xen_upcall", OPT_WORDS("auto", "callback"), "auto",
		 "Xen: event delivery (callback: the domain's callback vector)"),
};
const unsigned options_count = ARRAY_SIZE(options);

static const char *const kind_name[] = {
	[OPTION_BOOL] = "boolean", [OPTION_NUM] = "number",
	[OPTION_ENUM] = "word", [OPTION_LIST] = "list",
};

static const struct option *option_find(const char *name)
{
	for (unsigned i = 0; i < options_count; i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
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

int options_parse(struct cmdline *c, const char *line, bool truncated,
		  char *msg, size_t msglen)
{
	int rc = 0;

	if (msglen)
		msg[0] = 0;
	if (!line)
		line = "";
	if (truncated || strnlen(line, CMDLINE_MAX_LEN + 1) > BOOT_CMDLINE_MAX - 1) {
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
	for (unsigned i = 0; i < options_count; i++)
		usage_line(&options[i]);
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
