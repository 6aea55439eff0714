/* SPDX-License-Identifier: MIT */
/*
 * The kernel command line: "key=value" and bare "key" words separated by
 * blanks, parsed once into struct cmdline and then queried by key. Kernel
 * code reads boot options through guest/options.h, which checks them.
 */
#ifndef GUEST_LIB_CMDLINE_H
#define GUEST_LIB_CMDLINE_H

#include "types.h"

#define CMDLINE_MAX_LEN 1024 /* characters, not counting the NUL */
#define CMDLINE_MAX_ARGS 64 /* words */

struct cmdline_arg {
	uint16_t key; /* offset of the key in buf */
	uint16_t val; /* offset of the value ("" for a bare key) in buf */
};

/* Self-contained (offsets, no pointers): may be copied by value. */
struct cmdline {
	char buf[CMDLINE_MAX_LEN + 1]; /* the line, NUL-split in place */
	unsigned n; /* words in args[] */
	struct cmdline_arg args[CMDLINE_MAX_ARGS]; /* in command-line order */
};

/* The boot command line; kernel_main() parses it once, others only read. */
extern struct cmdline boot_cmdline;

/*
 * Parse s (NULL = empty) into c. Words are split at spaces, tabs and
 * newlines; the first '=' splits key from value (no quoting). Returns 0, or
 * -E2BIG if s is longer than CMDLINE_MAX_LEN or has more than
 * CMDLINE_MAX_ARGS words (c is then left empty). Not thread-safe w.r.t. c.
 */
int cmdline_parse(struct cmdline *c, const char *s);

/* Value of the last word with this key: "" for a bare key, NULL if absent. */
const char *cmdline_get(const struct cmdline *c, const char *key);
bool cmdline_has(const struct cmdline *c, const char *key);

/* Word i in command-line order (i < c->n): false if out of range. */
bool cmdline_arg(const struct cmdline *c, unsigned i, const char **key,
		 const char **val);

/* Parse a whole string as decimal or 0x-hex: 0, -EINVAL (empty or not a
 * number) or -ERANGE (over 64 bits). */
int cmdline_strtou64(const char *s, uint64_t *out);

/* Is name one of the comma-separated words of list ("a,b,c")? For option
 * values such as test=NAME,NAME. */
bool cmdline_list_has(const char *list, const char *name);

/* A boolean value: "" (a bare key), 1, y, yes, on, true are true; 0, n, no,
 * off, false are false. Anything else: -EINVAL, *out untouched. */
int cmdline_parse_bool(const char *s, bool *out);

#endif
