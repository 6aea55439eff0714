/* SPDX-License-Identifier: MIT */
/*
 * Kernel command-line options: each registered with OPTION() by the file
 * that reads it (name, kind, accepted values, default, help), collected by
 * the linker like SUITE(). options_parse() judges the whole line once at
 * boot against them; option_*() read a value, the default when absent;
 * the usage text lists them by name.
 */
#ifndef GUEST_OPTIONS_H
#define GUEST_OPTIONS_H

#include "types.h"
#include "guest/lib/cmdline.h"

enum option_kind {
	OPTION_BOOL, /* bare NAME = on; NAME=1|0|on|off|yes|no|true|false|y|n */
	OPTION_NUM,  /* NAME=N, decimal or 0x-hex, in [min, max] */
	OPTION_ENUM, /* NAME=WORD, one of the words */
	OPTION_LIST, /* NAME=all or NAME=WORD[,WORD...], each one of the words */
};

struct option {
	const char *name;
	enum option_kind kind;
	uint64_t min, max;              /* OPTION_NUM: accepted range */
	uint64_t def;                   /* OPTION_NUM, OPTION_BOOL: default */
	const char *def_word;           /* OPTION_ENUM: default (NULL: none) */
	const char *const *words;       /* OPTION_ENUM: fixed words, NULL-ended */
	const char *(*word)(unsigned i); /* else: word i of a live table, NULL
					  * past its end */
	const char *help;               /* one line for the usage text */
};

/* The row of one option (OPTION() registers it). */
#define OPT_WORDS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define OPT_BOOL(n, d, h) {.name = n, .kind = OPTION_BOOL, .def = d, .help = h}
#define OPT_NUM(n, lo, hi, d, h)                                             \
	{.name = n, .kind = OPTION_NUM, .min = lo, .max = hi, .def = d,       \
	 .help = h}
#define OPT_ENUM(n, w, d, h)                                                 \
	{.name = n, .kind = OPTION_ENUM, .words = w, .def_word = d, .help = h}
#define OPT_ENUM_FN(n, fn, d, h)                                             \
	{.name = n, .kind = OPTION_ENUM, .word = fn, .def_word = d, .help = h}
#define OPT_LIST(n, fn, h) {.name = n, .kind = OPTION_LIST, .word = fn, .help = h}

/* Register an option: OPTION(OPT_NUM("slice_us", 20, 10000000, 2000,
 * "...")); at file scope in the file that reads it. */
#define OPTION_CAT2(a, b) a##b
#define OPTION_CAT(a, b) OPTION_CAT2(a, b)
#define OPTION(row)                                                          \
	static const struct option OPTION_CAT(option_row_, __COUNTER__)     \
		__used __section(OPTION_SECTION) __aligned(8) = row
/* The guest's linker scripts place .options between the two bounds. A
 * section named like a C identifier would get them from GNU ld by itself
 * (the host tests rely on that), but ld then sizes arm64's relocations
 * before it adds the ones of such a section: head.S's __rela_end fell 55
 * relocations short of the end, and a relocated image ran with stale GOT
 * entries. */
#ifdef HOST_TEST
#define OPTION_SECTION "vsched_options"
#else
#define OPTION_SECTION ".options"
#endif

/* Every registered option (in link order). */
extern const struct option __start_vsched_options[], __stop_vsched_options[];
#define options_begin() (__start_vsched_options)
#define options_end() (__stop_vsched_options)

/* Each row of [b, e) well formed: a name without '=' or blanks, help, no
 * name twice, defaults within range or among the words. 0, or -EINVAL
 * with the first problem in msg. options_parse() checks the registered
 * options first. */
int options_check_rows(const struct option *b, const struct option *e,
		       char *msg, size_t msglen);

/*
 * Parse line into c and check every word against the table: known name,
 * printable ASCII, a value its kind accepts. truncated: the loader cut
 * the line. Returns 0, or -EINVAL with a one-line reason in msg (and c
 * left empty, so nothing reads a bad value before the complaint).
 */
int options_parse(struct cmdline *c, const char *line, bool truncated,
		  char *msg, size_t msglen);

/* The usage text: every option with its values, default and help. */
void options_usage(void);

/*
 * Values from boot_cmdline (checked by options_parse at boot), or the
 * option's default when absent. The name must be in the table (a panic
 * otherwise: a typo in the caller). option_str: ENUM and LIST values
 * (ENUM: the default word when absent; LIST: NULL when absent).
 */
bool option_bool(const char *name);
uint64_t option_u64(const char *name);
const char *option_str(const char *name);

#endif
