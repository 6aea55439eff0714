/* SPDX-License-Identifier: MIT */
/*
 * hv's command line: options, sizes like 256M, exit-disable lists, usage.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hv/boot.h"
#include "hv/hv.h"

#define HV_XSTR(x) #x
#define HV_STR(x) HV_XSTR(x)

void hv_usage(FILE *f)
{
	fprintf(f,
		"usage: hv [options] IMAGE\n"
		"  IMAGE                  PVH kernel (ELF64 with XEN_ELFNOTE_PHYS32_ENTRY)\n"
		"  --vcpus N              vCPUs, 1..%d (default 1)\n"
		"  --mem SIZE             guest memory, e.g. 256M, 1G (2M..3G, default 256M)\n"
		"  --timeout S            stop the guest after S seconds, exit 124 (default 60, 0: none)\n"
		"  --cmdline STR          guest command line\n"
		"  --halt-poll-ns N       KVM halt polling limit (KVM_CAP_HALT_POLL)\n"
		"  --disable-exits LIST   comma list of hlt,pause,mwait,cstate (KVM_CAP_X86_DISABLE_EXITS)\n"
		"  --pin                  pin vCPU thread i to host CPU i %% nproc\n"
		"  --stats-json FILE      also write the exit statistics JSON to FILE\n",
		HV_MAX_VCPUS);
}

/* "256M", "1G", "4096", "512K" -> bytes. 0 or -1. */
int hv_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	}
	if (shift && (*end == 'i' || *end == 'I'))
		end++;
	if (shift && (*end == 'b' || *end == 'B'))
		end++;
	if (*end || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static const struct {
	const char *name;
	uint32_t bit;
} exit_names[] = {
	{ "mwait", KVM_X86_DISABLE_EXITS_MWAIT },
	{ "hlt", KVM_X86_DISABLE_EXITS_HLT },
	{ "pause", KVM_X86_DISABLE_EXITS_PAUSE },
	{ "cstate", KVM_X86_DISABLE_EXITS_CSTATE },
};

static int exit_bit(const char *s, size_t len, uint32_t *bit)
{
	size_t i;

	for (i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
		if (strlen(exit_names[i].name) == len &&
		    strncasecmp(s, exit_names[i].name, len) == 0) {
			*bit = exit_names[i].bit;
			return 0;
		}
	return -1;
}

/* "hlt,pause" -> mask; "none" -> 0. 0 or -1. */
int hv_parse_exits(const char *s, uint32_t *out)
{
	uint32_t mask = 0, bit;
	size_t len;

	if (!s || !*s)
		return -1;
	if (strcasecmp(s, "none") == 0) {
		*out = 0;
		return 0;
	}
	while (*s) {
		len = strcspn(s, ",");
		if (exit_bit(s, len, &bit))
			return -1;
		mask |= bit;
		s += len;
		if (*s == ',' && *++s == '\0')
			return -1;
	}
	*out = mask;
	return 0;
}

void hv_exits_str(uint32_t mask, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
		if ((mask & exit_names[i].bit) && n < len)
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      exit_names[i].name);
	if (!n)
		snprintf(buf, len, "none");
}

static int parse_uint(const char *s, unsigned long long max,
		      unsigned long long *out)
{
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return (errno || *end || *out > max) ? -1 : 0;
}

enum {
	OPT_VCPUS = 256,
	OPT_MEM,
	OPT_TIMEOUT,
	OPT_CMDLINE,
	OPT_HALT_POLL,
	OPT_DISABLE_EXITS,
	OPT_PIN,
	OPT_STATS_JSON,
	OPT_HELP
};

static const struct option long_opts[] = {
	{ "vcpus", required_argument, NULL, OPT_VCPUS },
	{ "mem", required_argument, NULL, OPT_MEM },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "cmdline", required_argument, NULL, OPT_CMDLINE },
	{ "halt-poll-ns", required_argument, NULL, OPT_HALT_POLL },
	{ "disable-exits", required_argument, NULL, OPT_DISABLE_EXITS },
	{ "pin", no_argument, NULL, OPT_PIN },
	{ "stats-json", required_argument, NULL, OPT_STATS_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int set_timeout(struct hv_config *cfg, const char *s)
{
	char *end;

	if (!s || !*s)
		return -1;
	errno = 0;
	cfg->timeout_s = strtod(s, &end);
	return (errno || *end || !isfinite(cfg->timeout_s) ||
		cfg->timeout_s < 0 || cfg->timeout_s > 1e7) ?
		       -1 :
		       0;
}

/* What each option takes, for error messages. */
static const char *expects(int opt)
{
	switch (opt) {
	case OPT_VCPUS:
		return "a vCPU count from 1 to " HV_STR(HV_MAX_VCPUS);
	case OPT_MEM:
		return "a size from 2M to 3G in whole 4 KiB pages, e.g. 256M";
	case OPT_TIMEOUT:
		return "seconds >= 0 (0: no timeout)";
	case OPT_CMDLINE:
		return "a string of at most " HV_STR(HV_CMDLINE_MAX) " bytes";
	case OPT_HALT_POLL:
		return "nanoseconds from 0 to 4294967295";
	case OPT_DISABLE_EXITS:
		return "a comma list of hlt,pause,mwait,cstate";
	}
	return "something else";
}

/* One option: 0, or -1 if its argument is invalid. */
static int take_opt(struct hv_config *cfg, int opt, const char *arg)
{
	unsigned long long v;

	switch (opt) {
	case OPT_VCPUS:
		if (parse_uint(arg, HV_MAX_VCPUS, &v) || v == 0)
			return -1;
		cfg->vcpus = (unsigned int)v;
		return 0;
	case OPT_MEM:
		return (hv_parse_size(arg, &cfg->mem_size) ||
			cfg->mem_size < HV_MEM_MIN ||
			cfg->mem_size > HV_MEM_MAX || cfg->mem_size % 4096) ?
			       -1 :
			       0;
	case OPT_TIMEOUT:
		return set_timeout(cfg, arg);
	case OPT_CMDLINE:
		cfg->cmdline = arg;
		return strlen(arg) > hv_boot_cmdline_max() ? -1 : 0;
	case OPT_HALT_POLL:
		if (parse_uint(arg, UINT32_MAX, &v))
			return -1;
		cfg->halt_poll_ns = (int64_t)v;
		return 0;
	case OPT_DISABLE_EXITS:
		return hv_parse_exits(arg, &cfg->disable_exits);
	case OPT_PIN:
		cfg->pin = true;
		return 0;
	case OPT_STATS_JSON:
		cfg->stats_json = arg;
		return 0;
	}
	return -1;
}

static void set_defaults(struct hv_config *cfg)
{
	*cfg = (struct hv_config){
		.vcpus = 1,
		.mem_size = 256ull << 20,
		.timeout_s = 60,
		.cmdline = "",
		.halt_poll_ns = -1,
	};
}

/*
 * Parse argv into cfg. Returns 0, 1 for --help, or -1 with a message in err;
 * err is a string after every call ("" unless -1).
 */
int hv_parse_args(int argc, char **argv, struct hv_config *cfg, char *err,
		  size_t errlen)
{
	int opt, idx;

	if (errlen)
		err[0] = '\0'; /* a string on every return, "" on success */
	set_defaults(cfg);
	optind = 0; /* glibc: full re-initialisation (tests call twice) */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", long_opts, &idx)) != -1) {
		if (opt == 'h' || opt == OPT_HELP)
			return 1;
		if (opt == '?' || opt == ':') {
			snprintf(err, errlen,
				 "unknown option or missing argument: %s",
				 argv[optind - 1]);
			return -1;
		}
		if (take_opt(cfg, opt, optarg)) {
			snprintf(err, errlen,
				 "invalid --%s '%.40s%s': expected %s",
				 long_opts[opt - OPT_VCPUS].name, optarg,
				 strlen(optarg) > 40 ? "..." : "",
				 expects(opt));
			return -1;
		}
	}
	if (optind != argc - 1) {
		snprintf(err, errlen,
			 optind >= argc ? "no IMAGE given" :
					  "more than one IMAGE given");
		return -1;
	}
	cfg->image = argv[optind];
	return 0;
}
