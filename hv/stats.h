/* SPDX-License-Identifier: MIT */
/*
 * Per-vCPU KVM exit statistics read from the binary stats interface
 * (KVM_GET_STATS_FD), snapshots, JSON/table output and labelled marks.
 */
#ifndef HV_STATS_H
#define HV_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The counters hv reports, by KVM's names; absent ones are skipped. */
#define HV_NR_STATS 32
extern const char *const hv_stat_names[HV_NR_STATS];

struct hv_stats_src {
	int fd; /* vCPU stats fd, -1: unavailable */
	uint32_t data_offset; /* of the data block in the fd */
	uint32_t data_len; /* bytes of the block hv reads */
	int32_t off[HV_NR_STATS]; /* counter offset in the block, -1: absent */
};

struct hv_stats_vals {
	uint64_t v[HV_NR_STATS];
	bool have[HV_NR_STATS]; /* this kernel provides counter i */
};

struct hv_stats_mark {
	uint32_t label; /* the value the guest wrote */
	struct hv_stats_vals sum; /* counters summed over all vCPUs */
};

/*
 * Parse a stats fd's header and descriptors from buf[0, len) (the fd's
 * contents from offset 0). Returns 0, or -1 if malformed or truncated.
 */
int hv_stats_parse(const void *buf, size_t len, struct hv_stats_src *src);

/* Open and parse a vCPU's stats. On failure src->fd is -1 and err says why. */
int hv_stats_open(int vcpu_fd, struct hv_stats_src *src, char *err,
		  size_t errlen);

/* Close an opened src (fd -1 afterwards); harmless on a closed one. */
void hv_stats_close(struct hv_stats_src *src);

/* Extract the counters from a data block data[0, len). */
void hv_stats_extract(const struct hv_stats_src *src, const void *data,
		      size_t len, struct hv_stats_vals *out);

/* Snapshot n vCPUs' counters now (safe while they run). 0 or -1. */
int hv_stats_snapshot(const struct hv_stats_src *srcs, unsigned int n,
		      struct hv_stats_vals *out);

void hv_stats_sum(const struct hv_stats_vals *per, unsigned int n,
		  struct hv_stats_vals *sum);

/* JSON texts (malloc'd, caller frees): {"name":N,...} and {"vcpus":[...]}. */
char *hv_stats_json_counters(const struct hv_stats_vals *v);
char *hv_stats_json_vcpus(const struct hv_stats_vals *per, unsigned int n);

/* Human table of the counters nonzero on some vCPU. */
void hv_stats_print_table(FILE *f, const struct hv_stats_vals *per,
			  unsigned int n);

/* Marks kept (and printed); later ones are only counted. */
#define HV_STATS_MARKS_MAX 1024

/*
 * Snapshot all vCPUs, store the sum labelled label, print
 * "HV_MARK label {json}" to log. Thread safe. 0 or -1.
 */
int hv_stats_mark(const struct hv_stats_src *srcs, unsigned int n,
		  uint32_t label, FILE *log);

/* Copy up to max recorded marks, oldest first; returns how many exist. */
unsigned int hv_stats_marks(struct hv_stats_mark *out, unsigned int max);

/* Marks past HV_STATS_MARKS_MAX, counted but neither kept nor printed. */
uint64_t hv_stats_marks_dropped(void);

#endif
