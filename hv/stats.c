/* SPDX-License-Identifier: MIT */
/*
 * KVM binary statistics for hv: parse a vCPU stats fd's descriptors, read
 * the counters hv cares about, print them, and keep guest-labelled marks.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "hv/stats.h"

const char *const hv_stat_names[HV_NR_STATS] = {
	"exits",
	"io_exits",
	"mmio_exits",
	"halt_exits",
	"irq_exits",
	"signal_exits",
	"irq_window_exits",
	"nmi_window_exits",
	"request_irq_exits",
	"hypercalls",
	"irq_injections",
	"nmi_injections",
	"req_event",
	"insn_emulation",
	"insn_emulation_fail",
	"halt_successful_poll",
	"halt_attempted_poll",
	"halt_poll_invalid",
	"halt_wakeup",
	"halt_poll_success_ns",
	"halt_poll_fail_ns",
	"halt_wait_ns",
	"pf_taken",
	"pf_guest",
	"tlb_flush",
	"host_state_reload",
	"fpu_reload",
	"directed_yield_attempted",
	"directed_yield_successful",
	"preemption_reported",
	"preemption_other",
	"notify_window_exits",
};

/* Headers in the fd are naturally aligned, but copy them anyway. */
static void take_desc(const uint8_t *p, struct kvm_stats_desc *d)
{
	memcpy(d, p, sizeof(*d));
}

static int stat_index(const char *name, size_t maxlen)
{
	int i;

	for (i = 0; i < HV_NR_STATS; i++)
		if (strnlen(name, maxlen) < maxlen &&
		    strcmp(name, hv_stat_names[i]) == 0)
			return i;
	return -1;
}

/* A scalar counter (not a histogram) hv can read as one u64. */
static bool scalar(const struct kvm_stats_desc *d)
{
	uint32_t type = d->flags & KVM_STATS_TYPE_MASK;

	return d->size == 1 &&
	       (type == KVM_STATS_TYPE_CUMULATIVE ||
		type == KVM_STATS_TYPE_INSTANT || type == KVM_STATS_TYPE_PEAK);
}

int hv_stats_parse(const void *buf, size_t len, struct hv_stats_src *src)
{
	const uint8_t *b = buf;
	struct kvm_stats_header h;
	struct kvm_stats_desc d;
	uint64_t stride, end;
	uint32_t i;
	int k;

	for (k = 0; k < HV_NR_STATS; k++)
		src->off[k] = -1;
	src->data_len = 0;
	if (len < sizeof(h))
		return -1;
	memcpy(&h, b, sizeof(h));
	stride = sizeof(d) + (uint64_t)h.name_size;
	if (h.name_size == 0 || h.desc_offset > len ||
	    (uint64_t)h.num_desc * stride > len - h.desc_offset)
		return -1;
	src->data_offset = h.data_offset;
	for (i = 0; i < h.num_desc; i++) {
		const uint8_t *p = b + h.desc_offset + i * stride;

		take_desc(p, &d);
		k = stat_index((const char *)p + sizeof(d), h.name_size);
		if (k < 0 || !scalar(&d) || d.offset > INT32_MAX - 8)
			continue;
		src->off[k] = (int32_t)d.offset;
		end = (uint64_t)d.offset + 8;
		if (end > src->data_len)
			src->data_len = (uint32_t)end;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len, off_t off)
{
	ssize_t r;
	size_t done = 0;

	while (done < len) {
		r = pread(fd, (char *)buf + done, len - done, off + done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static int load_descs(int fd, struct hv_stats_src *src)
{
	struct kvm_stats_header h;
	uint8_t *buf;
	int r = -1;

	if (read_all(fd, &h, sizeof(h), 0) || h.data_offset < sizeof(h) ||
	    h.data_offset > (64u << 20))
		return -1;
	buf = malloc(h.data_offset);
	if (buf && !read_all(fd, buf, h.data_offset, 0))
		r = hv_stats_parse(buf, h.data_offset, src);
	free(buf);
	return r;
}

int hv_stats_open(int vcpu_fd, struct hv_stats_src *src, char *err,
		  size_t errlen)
{
	src->fd = ioctl(vcpu_fd, KVM_GET_STATS_FD, NULL);
	if (src->fd < 0) {
		snprintf(
			err, errlen,
			"KVM_GET_STATS_FD: %s (this kernel has no binary stats)",
			strerror(errno));
		return -1;
	}
	if (load_descs(src->fd, src)) {
		snprintf(err, errlen, "cannot parse the KVM stats descriptors");
		close(src->fd);
		src->fd = -1;
		return -1;
	}
	return 0;
}

void hv_stats_close(struct hv_stats_src *src)
{
	if (src->fd >= 0)
		close(src->fd);
	src->fd = -1;
}

void hv_stats_extract(const struct hv_stats_src *src, const void *data,
		      size_t len, struct hv_stats_vals *out)
{
	int k;

	memset(out, 0, sizeof(*out));
	for (k = 0; k < HV_NR_STATS; k++) {
		if (src->off[k] < 0 || (size_t)src->off[k] + 8 > len)
			continue;
		memcpy(&out->v[k], (const uint8_t *)data + src->off[k], 8);
		out->have[k] = true;
	}
}

int hv_stats_snapshot(const struct hv_stats_src *srcs, unsigned int n,
		      struct hv_stats_vals *out)
{
	uint8_t buf[4096];
	unsigned int i;
	int r = 0;

	for (i = 0; i < n; i++) {
		const struct hv_stats_src *s = &srcs[i];
		size_t len = s->data_len < sizeof(buf) ? s->data_len :
							 sizeof(buf);

		memset(&out[i], 0, sizeof(out[i]));
		if (s->fd < 0 || read_all(s->fd, buf, len, s->data_offset)) {
			r = -1;
			continue;
		}
		hv_stats_extract(s, buf, len, &out[i]);
	}
	return r;
}

void hv_stats_sum(const struct hv_stats_vals *per, unsigned int n,
		  struct hv_stats_vals *sum)
{
	unsigned int i;
	int k;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < n; i++)
		for (k = 0; k < HV_NR_STATS; k++) {
			sum->v[k] += per[i].v[k];
			sum->have[k] |= per[i].have[k];
		}
}

static void json_fields(FILE *f, const struct hv_stats_vals *v, bool comma)
{
	int k;

	for (k = 0; k < HV_NR_STATS; k++) {
		if (!v->have[k])
			continue;
		fprintf(f, "%s\"%s\":%" PRIu64, comma ? "," : "",
			hv_stat_names[k], v->v[k]);
		comma = true;
	}
}

/* Finish an open_memstream text: buf is only valid after fclose. */
static char *close_stream(FILE *f, char **buf)
{
	if (fclose(f)) {
		free(*buf);
		return NULL;
	}
	return *buf;
}

char *hv_stats_json_counters(const struct hv_stats_vals *v)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputc('{', f);
	json_fields(f, v, false);
	fputc('}', f);
	return close_stream(f, &buf);
}

char *hv_stats_json_vcpus(const struct hv_stats_vals *per, unsigned int n)
{
	char *buf = NULL;
	size_t len;
	unsigned int i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	fputs("{\"vcpus\":[", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "%s{\"id\":%u", i ? "," : "", i);
		json_fields(f, &per[i], true);
		fputc('}', f);
	}
	fputs("]}", f);
	return close_stream(f, &buf);
}

void hv_stats_print_table(FILE *f, const struct hv_stats_vals *per,
			  unsigned int n)
{
	struct hv_stats_vals sum;
	char col[16];
	unsigned int i;
	int k;

	hv_stats_sum(per, n, &sum);
	fprintf(f, "hv: %-28s", "KVM exit counters");
	for (i = 0; i < n; i++) {
		snprintf(col, sizeof(col), "vcpu%u", i);
		fprintf(f, " %14s", col);
	}
	fputc('\n', f);
	for (k = 0; k < HV_NR_STATS; k++) {
		if (!sum.have[k] || !sum.v[k])
			continue;
		fprintf(f, "hv:   %-26s", hv_stat_names[k]);
		for (i = 0; i < n; i++)
			fprintf(f, " %14" PRIu64, per[i].v[k]);
		fputc('\n', f);
	}
}

static pthread_mutex_t mark_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hv_stats_mark marks[HV_STATS_MARKS_MAX]; /* under mark_lock */
static unsigned int nr_marks;
static uint64_t marks_dropped; /* under mark_lock */

/* Past the limit: count the mark, say so once. True if it was dropped. */
static bool drop_mark(FILE *log)
{
	bool drop;

	pthread_mutex_lock(&mark_lock);
	drop = nr_marks == HV_STATS_MARKS_MAX;
	if (drop && marks_dropped++ == 0) {
		fprintf(log,
			"hv: more than %u marks: later ones are counted, not kept or printed\n",
			HV_STATS_MARKS_MAX);
		fflush(log);
	}
	pthread_mutex_unlock(&mark_lock);
	return drop;
}

int hv_stats_mark(const struct hv_stats_src *srcs, unsigned int n,
		  uint32_t label, FILE *log)
{
	struct hv_stats_mark m = { .label = label };
	struct hv_stats_vals *per;
	char *json;
	int r;

	if (drop_mark(log))
		return 0;
	per = calloc(n, sizeof(*per));
	if (!per)
		return -1;
	r = hv_stats_snapshot(srcs, n, per);
	hv_stats_sum(per, n, &m.sum);
	free(per);
	json = hv_stats_json_counters(&m.sum);
	pthread_mutex_lock(&mark_lock);
	if (nr_marks <
	    HV_STATS_MARKS_MAX) { /* another vCPU may have filled it */
		marks[nr_marks++] = m;
		fprintf(log, "HV_MARK %" PRIu32 " %s\n", label,
			json ? json : "{}");
		fflush(log);
	} else {
		marks_dropped++;
	}
	pthread_mutex_unlock(&mark_lock);
	free(json);
	return r;
}

unsigned int hv_stats_marks(struct hv_stats_mark *out, unsigned int max)
{
	unsigned int n;

	pthread_mutex_lock(&mark_lock);
	n = nr_marks;
	if (n && max)
		memcpy(out, marks, (n < max ? n : max) * sizeof(*out));
	pthread_mutex_unlock(&mark_lock);
	return n;
}

uint64_t hv_stats_marks_dropped(void)
{
	uint64_t n;

	pthread_mutex_lock(&mark_lock);
	n = marks_dropped;
	pthread_mutex_unlock(&mark_lock);
	return n;
}
