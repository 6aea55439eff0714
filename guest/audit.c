/* SPDX-License-Identifier: MIT */
/*
 * The audit log (see audit.h). Dump format, one JSON object per line:
 *
 *   AUDIT {"seq":N,"ns":T,"cpu":C,"severity":S,"kind":K,"tid":I,
 *          "thread":NAME,"msg":TEXT}               (kept records, oldest first)
 *   AUDIT-SUMMARY {"canary":N,...,"dropped":D,"kept":K,"panic":0|1}
 */
#include <stdarg.h>
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/audit.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_NUM("alert_wake_us", 0, 10000000, 0, "audit log: record each "
	"wakeup that waited longer, us (0: off)"));
OPTION(OPT_NUM("alert_rq", 0, 100000, 0, "audit log: record a run queue "
	"growing past this many threads (0: off)"));

static const struct {
	const char *name, *severity;
} kinds[AUDIT_NR] = {
	[AUDIT_CANARY] = {"canary", "critical"},
	[AUDIT_GUARD_PAGE] = {"guard_page", "critical"},
	[AUDIT_FAULT] = {"fault", "error"},
	[AUDIT_BAD_ARG] = {"bad_argument", "warning"},
	[AUDIT_REFUSED] = {"refused", "warning"},
	[AUDIT_WAKE_LATE] = {"wake_late", "warning"},
	[AUDIT_RUNQ_LONG] = {"runq_long", "warning"},
	[AUDIT_TRACE_LOST] = {"trace_lost", "info"},
	[AUDIT_DOMAIN_FAULT] = {"domain_fault", "error"},
	[AUDIT_QUOTA] = {"quota", "warning"},
};

struct audit_record {
	uint64_t seq, ns, tid;
	unsigned cpu;
	enum audit_kind kind;
	char thread[THREAD_NAME_MAX];
	char msg[112];
};

static struct spinlock lock = SPINLOCK_INIT;
static struct audit_record ring[AUDIT_KEEP];
static uint64_t total, counts[AUDIT_NR]; /* under lock */
static bool rq_over[MAX_CPUS];           /* that CPU only, IRQs off */

uint64_t audit_wake_ns;
unsigned audit_rq_len;

/* Records the ring overwrote (lock held): the kept ones start there. */
static uint64_t dropped(void)
{
	return total > AUDIT_KEEP ? total - AUDIT_KEEP : 0;
}

const char *audit_kind_name(unsigned k)
{
	return k < AUDIT_NR ? kinds[k].name : NULL;
}

void audit(enum audit_kind k, const char *fmt, ...)
{
	struct cpu *c = this_cpu();
	struct thread *t = c && c->sched.started ? c->sched.current : NULL;
	uint64_t now = virt ? virt_clock_ns() : 0;
	unsigned long f;
	struct audit_record *r;
	va_list ap;

	if ((unsigned)k >= AUDIT_NR)
		return;
	f = spin_lock_irqsave(&lock);
	r = &ring[total % AUDIT_KEEP];
	r->seq = total++;
	counts[k]++;
	r->ns = now;
	r->cpu = c ? c->id : 0;
	r->kind = k;
	r->tid = t ? thread_id(t) : 0;
	ksnprintf(r->thread, sizeof(r->thread), "%s",
		  !t ? "-" : t->is_idle ? "idle" : t->name);
	va_start(ap, fmt);
	kvsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	spin_unlock_irqrestore(&lock, f);
}

void audit_wake_late(uint64_t tid, uint64_t lat)
{
	if (audit_wake_ns && lat > audit_wake_ns)
		audit(AUDIT_WAKE_LATE, "thread id %lu ran %lu us after its "
		      "wakeup (alert_wake_us=%lu)", tid, lat / 1000,
		      audit_wake_ns / 1000);
}

/* Once per crossing: over the threshold, then back to half of it. */
void audit_rq(unsigned cpu, unsigned nr)
{
	if (!audit_rq_len || cpu >= MAX_CPUS)
		return;
	if (!rq_over[cpu] && nr > audit_rq_len) {
		rq_over[cpu] = true;
		audit(AUDIT_RUNQ_LONG, "run queue of vCPU %u holds %u threads "
		      "(alert_rq=%u)", cpu, nr, audit_rq_len);
	} else if (rq_over[cpu] && nr <= audit_rq_len / 2) {
		rq_over[cpu] = false;
	}
}

void audit_init(void)
{
	audit_wake_ns = option_u64("alert_wake_us") * 1000;
	audit_rq_len = (unsigned)option_u64("alert_rq");
	if (audit_wake_ns || audit_rq_len) {
		unsigned n = jump_enable(JUMP_ALERT);

		kprintf("audit: alerts on (%u sites): wakeups over %lu us, run "
			"queues over %u threads\n", n, audit_wake_ns / 1000,
			audit_rq_len);
	}
}

void audit_get_counts(struct audit_counts *c)
{
	unsigned long f = spin_lock_irqsave(&lock);

	memcpy(c->count, counts, sizeof(counts));
	c->dropped = dropped();
	spin_unlock_irqrestore(&lock, f);
}

/* s as a JSON string body into out (quotes, backslashes, controls). */
static void json_str(char *out, size_t len, const char *s)
{
	size_t o = 0;

	for (; *s && o + 7 < len; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20 || ch >= 0x7f) {
			o += (size_t)ksnprintf(out + o, len - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	out[o] = 0;
}

void audit_dump(bool panicking)
{
	char name[THREAD_NAME_MAX * 6 + 1], msg[sizeof(ring[0].msg) * 6 + 1];
	char sum[400];
	unsigned long f = arch_irq_save();
	uint64_t first;
	int n = 0;

	/* A panicking vCPU does not wait for a lock another one may hold. */
	if (!panicking)
		spin_lock(&lock);
	if (!total) {
		if (!panicking)
			spin_unlock(&lock);
		arch_irq_restore(f);
		return;
	}
	first = dropped();
	for (uint64_t i = first; i < total; i++) {
		const struct audit_record *r = &ring[i % AUDIT_KEEP];

		json_str(name, sizeof(name), r->thread);
		json_str(msg, sizeof(msg), r->msg);
		kprintf("AUDIT {\"seq\":%lu,\"ns\":%lu,\"cpu\":%u,\"severity\":"
			"\"%s\",\"kind\":\"%s\",\"tid\":%lu,\"thread\":\"%s\","
			"\"msg\":\"%s\"}\n", r->seq, r->ns, r->cpu,
			kinds[r->kind].severity, kinds[r->kind].name, r->tid,
			name, msg);
	}
	for (unsigned k = 0; k < AUDIT_NR; k++)
		n += ksnprintf(sum + n, sizeof(sum) - (size_t)n, "\"%s\":%lu,",
			       kinds[k].name, counts[k]);
	kprintf("AUDIT-SUMMARY {%s\"dropped\":%lu,\"kept\":%lu,\"panic\":%d}\n",
		sum, first, total - first, panicking);
	if (!panicking)
		spin_unlock(&lock);
	arch_irq_restore(f);
}
