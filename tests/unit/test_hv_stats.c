/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's KVM binary stats reader (hv/stats.c) on a synthetic
 * stats file image: descriptor parsing, extraction, JSON and marks.
 */
#include <criterion/criterion.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "hv/stats.h"

#define NAME_SIZE 48
#define DESC_SIZE (sizeof(struct kvm_stats_desc) + NAME_SIZE)

static const struct {
	const char *name;
	uint32_t flags;
	uint16_t size;
} descs[] = {
	{ "halt_poll_success_hist", KVM_STATS_TYPE_LOG_HIST, 32 },
	{ "exits", KVM_STATS_TYPE_CUMULATIVE, 1 },
	{ "not_a_counter_hv_knows", KVM_STATS_TYPE_CUMULATIVE, 1 },
	{ "io_exits", KVM_STATS_TYPE_CUMULATIVE, 1 },
	{ "halt_wait_ns", KVM_STATS_TYPE_CUMULATIVE | KVM_STATS_UNIT_SECONDS,
	  1 },
};
#define NDESC (sizeof(descs) / sizeof(descs[0]))

static int idx(const char *name)
{
	int k;

	for (k = 0; k < HV_NR_STATS; k++)
		if (strcmp(hv_stat_names[k], name) == 0)
			return k;
	cr_assert_fail("no counter %s", name);
	return -1;
}

/* Header, id string, descriptors; data block after it (offset returned). */
static uint8_t *build(size_t *len, uint32_t *data_off, uint64_t **data)
{
	struct kvm_stats_header h = { .name_size = NAME_SIZE,
				      .num_desc = NDESC,
				      .id_offset = sizeof(h) };
	uint32_t off = 0;
	uint8_t *b;
	size_t i;

	h.desc_offset = h.id_offset + 64;
	h.data_offset = h.desc_offset + NDESC * DESC_SIZE;
	*len = h.data_offset + 64 * 8;
	b = calloc(1, *len);
	memcpy(b, &h, sizeof(h));
	strcpy((char *)b + h.id_offset, "kvm-1/vcpu-0");
	for (i = 0; i < NDESC; i++) {
		struct kvm_stats_desc d = { .flags = descs[i].flags,
					    .size = descs[i].size,
					    .offset = off };

		memcpy(b + h.desc_offset + i * DESC_SIZE, &d, sizeof(d));
		strcpy((char *)b + h.desc_offset + i * DESC_SIZE + sizeof(d),
		       descs[i].name);
		off += 8 * descs[i].size;
	}
	*data_off = h.data_offset;
	*data = (uint64_t *)(b + h.data_offset);
	(*data)[32] = 1000; /* exits */
	(*data)[33] = 7; /* the unknown one */
	(*data)[34] = 3; /* io_exits */
	(*data)[35] = 555; /* halt_wait_ns */
	return b;
}

Test(hv_stats, parse_and_extract)
{
	struct hv_stats_src src = { .fd = -1 };
	struct hv_stats_vals v;
	uint64_t *data;
	uint32_t doff;
	size_t len;
	uint8_t *b = build(&len, &doff, &data);

	cr_assert_eq(hv_stats_parse(b, doff, &src), 0);
	cr_assert_eq(src.data_offset, doff);
	cr_assert_eq(src.off[idx("exits")], 256);
	cr_assert_eq(src.off[idx("io_exits")], 272);
	cr_assert_eq(src.off[idx("mmio_exits")], -1);
	cr_assert_eq(src.data_len, 36 * 8);
	hv_stats_extract(&src, b + doff, len - doff, &v);
	cr_assert(v.have[idx("exits")] && v.v[idx("exits")] == 1000);
	cr_assert(v.have[idx("io_exits")] && v.v[idx("io_exits")] == 3);
	cr_assert(v.have[idx("halt_wait_ns")] &&
		  v.v[idx("halt_wait_ns")] == 555);
	cr_assert_not(v.have[idx("mmio_exits")]);
	free(b);
}

Test(hv_stats, short_data_block_is_not_overread)
{
	struct hv_stats_src src = { .fd = -1 };
	struct hv_stats_vals v;
	uint64_t *data;
	uint32_t doff;
	size_t len;
	uint8_t *b = build(&len, &doff, &data);

	cr_assert_eq(hv_stats_parse(b, doff, &src), 0);
	hv_stats_extract(&src, b + doff, 34 * 8, &v);
	cr_assert(v.have[idx("exits")]);
	cr_assert_not(v.have[idx("io_exits")]);
	free(b);
}

Test(hv_stats, truncated_descriptors_refused)
{
	struct hv_stats_src src;
	uint64_t *data;
	uint32_t doff;
	size_t len;
	uint8_t *b = build(&len, &doff, &data);

	cr_assert_eq(hv_stats_parse(b, 10, &src), -1);
	cr_assert_eq(hv_stats_parse(b, doff - 1, &src), -1);
	free(b);
}

Test(hv_stats, json_and_sum)
{
	struct hv_stats_vals per[2] = { 0 };
	struct hv_stats_vals sum;
	char *j;

	per[0].have[idx("exits")] = per[1].have[idx("exits")] = true;
	per[0].v[idx("exits")] = 5;
	per[1].v[idx("exits")] = 7;
	per[1].have[idx("halt_exits")] = true;
	per[1].v[idx("halt_exits")] = 2;
	hv_stats_sum(per, 2, &sum);
	cr_assert_eq(sum.v[idx("exits")], 12);
	j = hv_stats_json_vcpus(per, 2);
	cr_assert_str_eq(
		j,
		"{\"vcpus\":[{\"id\":0,\"exits\":5},{\"id\":1,\"exits\":7,\"halt_exits\":2}]}");
	free(j);
	j = hv_stats_json_counters(&sum);
	cr_assert_str_eq(j, "{\"exits\":12,\"halt_exits\":2}");
	free(j);
}

Test(hv_stats, marks_are_recorded_and_printed)
{
	struct hv_stats_src src[2] = { { .fd = -1 }, { .fd = -1 } };
	struct hv_stats_mark m[4];
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	cr_assert_eq(hv_stats_mark(src, 2, 7, f), -1, "no stats fds");
	cr_assert_eq(hv_stats_mark(src, 2, 8, f), -1);
	fclose(f);
	cr_assert_str_eq(out, "HV_MARK 7 {}\nHV_MARK 8 {}\n");
	cr_assert_eq(hv_stats_marks(m, 4), 2);
	cr_assert_eq(m[0].label, 7);
	cr_assert_eq(m[1].label, 8);
	free(out);
}

/* A guest writing the mark port in a loop must not grow hv without bound. */
Test(hv_stats, marks_are_bounded_and_drops_counted)
{
	struct hv_stats_src src = { .fd = -1 };
	unsigned int i, n = HV_STATS_MARKS_MAX + 500;
	struct hv_stats_mark *m = calloc(n, sizeof(*m));
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	for (i = 0; i < n; i++)
		hv_stats_mark(&src, 1, i, f);
	fclose(f);
	cr_assert_eq(hv_stats_marks(m, n), HV_STATS_MARKS_MAX);
	cr_assert_eq(m[HV_STATS_MARKS_MAX - 1].label, HV_STATS_MARKS_MAX - 1);
	cr_assert_eq(hv_stats_marks_dropped(), 500);
	/* Printing stops with the kept marks too, after one line saying so. */
	cr_assert(strstr(out, "HV_MARK 1023 {}\n"));
	cr_assert_null(strstr(out, "HV_MARK 1024 "));
	cr_assert(strstr(out, "hv: more than 1024 marks"), "%s",
		  out + len - 200);
	free(out);
	free(m);
}
