// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: hv's option parser (hv/opts.c). The input is argv,
 * NUL-separated; whatever it accepts must be a configuration hv can run.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hv/boot.h"
#include "hv/hv.h"

#define MAX_ARGS 32

static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_config(const struct hv_config *c)
{
	check(c->vcpus >= 1 && c->vcpus <= HV_MAX_VCPUS);
	check(c->mem_size >= HV_MEM_MIN && c->mem_size <= HV_MEM_MAX &&
	      c->mem_size % 4096 == 0);
	check(isfinite(c->timeout_s) && c->timeout_s >= 0);
	check(c->cmdline && strlen(c->cmdline) <= HV_CMDLINE_MAX);
	check(c->halt_poll_ns >= -1 && c->halt_poll_ns <= UINT32_MAX);
	check(c->image != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2], err[256], s[64];
	struct hv_config cfg;
	uint64_t v;
	uint32_t m, m2;
	int argc = 1, r;
	size_t i;

	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "hv";
	argv[argc++] = buf;
	for (i = 0; i < size && argc <= MAX_ARGS; i++)
		if (buf[i] == '\0')
			argv[argc++] = buf + i + 1;
	argv[argc] = NULL;
	/* No NUL in err before the call: the parser must leave a string on
	 * every return (a garbage err once made this check depend on what
	 * the previous input left on the stack). */
	memset(err, 'x', sizeof(err));
	r = hv_parse_args(argc, argv, &cfg, err, sizeof(err));
	check(r >= -1 && r <= 1);
	check(memchr(err, '\0', sizeof(err)) != NULL);
	if (r == 0)
		check_config(&cfg);
	if (hv_parse_size(buf, &v) == 0 && hv_parse_exits(buf, &m) == 0)
		abort(); /* no string is both a size and an exit list */
	if (hv_parse_exits(buf, &m) == 0) { /* its name parses back */
		hv_exits_str(m, s, sizeof(s));
		check(hv_parse_exits(s, &m2) == 0 && m2 == m);
	}
	free(buf);
	return 0;
}
