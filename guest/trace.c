/* SPDX-License-Identifier: MIT */
/*
 * The event trace (see trace.h): per-vCPU rings, the boot-time set-up
 * from trace= and trace_kb=, and the dump. Dump format, decoded by
 * tools/trace (docs/trace.md):
 *
 *   TRACE-BEGIN v=1 cpus=N hz=HZ event_bytes=24 ring_events=M groups=HEX
 *       panic=0|1
 *   TRACE-CPU cpu=C ring=R written=W kept=K lost=L switches=S timers=I
 *       hv=N/N/...  (R: slots, 0 if it got no memory; S, I, N: context
 *       switches, the scheduler's timer interrupts, transitions by
 *       ledger kind, from the start to the vCPU's stop, to compare with
 *       its events)
 *   TRACE c=C f=F d=BASE64 k=CRC32     (F: frame number on vCPU C;
 *       d: up to 12 events, oldest first; k: CRC-32 of "c=C f=F d=...")
 *   TRACE-THREAD id=I cpu=C prio=P switches=S name=NAME
 *   TRACE-END frames=N spawned=S
 */
#include <string.h>

#include "arch.h"
#include "guest/audit.h"
#include "guest/ipi.h"
#include "guest/ledger.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/crc32.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"
#include "guest/trace.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_LIST("trace", trace_group_name, "event trace: on (every group) or "
	 "groups; dumped at the end of the run and on a panic"));
OPTION(OPT_NUM("trace_kb", 4, 4096, 256, "trace: ring size per vCPU, KiB "
	"(rounded up to a power of two pages)"));

#define FRAME_EVENTS 12 /* 288 bytes, 384 in base64: one console line */

uint32_t trace_mask;

struct trace_ring {
	struct trace_event *ev; /* n slots, NULL: no ring */
	uint32_t n;             /* slots */
	uint32_t pos;           /* next slot to write */
	uint64_t written;       /* events written since the start */
	bool stopped;           /* trace_dump() stopped this CPU */
	uint64_t seen[LEDGER_NR]; /* the vCPU's ledger at its last event */
	uint64_t own_reads;     /* trapping clock reads of the tracer itself */
	/* At the start, then the counts from there to the stop: */
	uint64_t timers0, ledger0[LEDGER_NR]; /* timers: the scheduler's */
	uint64_t switches, timers, hv[LEDGER_NR];
};

static struct trace_ring rings[MAX_CPUS];

/* Events a full ring overwrote. */
static uint64_t ring_lost(const struct trace_ring *r)
{
	return r->written > r->n ? r->written - r->n : 0;
}

static const char *const group_names[TRG_NR] = {
	[TRG_SWITCH] = "switch", [TRG_WAKEUP] = "wakeup",
	[TRG_MIGRATE] = "migrate", [TRG_IPI] = "ipi", [TRG_TIMER] = "timer",
	[TRG_IDLE] = "idle", [TRG_THREAD] = "thread", [TRG_MUTEX] = "mutex",
	[TRG_HV] = "hv",
};

const char *trace_group_name(unsigned i)
{
	if (i == 0)
		return "on";
	return i <= TRG_NR ? group_names[i - 1] : NULL;
}

static void put(struct trace_ring *r, unsigned kind, uint32_t a, uint32_t b,
		uint32_t c, unsigned flags)
{
	struct trace_event *e = &r->ev[r->pos];

	e->ts = arch_cycles();
	e->a = a;
	e->b = b;
	e->c = c;
	e->kind = (uint8_t)kind;
	e->flags = (uint8_t)flags;
	e->seq = (uint16_t)r->written;
	r->written++;
	if (++r->pos == r->n)
		r->pos = 0;
}

/* The tracer's own clock reads since the ledger was last seen (they trap
 * where the hypervisor emulates the counter): counted apart, not traced. */
static void count_own_reads(struct trace_ring *r)
{
	uint64_t now = READ_ONCE(this_cpu()->ledger[LEDGER_TSC]);

	r->own_reads += now - r->seen[LEDGER_TSC];
	r->seen[LEDGER_TSC] = now;
}

/* The transitions this vCPU made since its last event: one hv event per
 * kind that moved. The counter reads come first: the events' own clock
 * reads below would move it. */
static void note_transitions(struct trace_ring *r)
{
	const uint64_t *l = this_cpu()->ledger;
	uint64_t reads = READ_ONCE(l[LEDGER_TSC]);

	for (unsigned k = 0; k < LEDGER_NR; k++) {
		uint64_t now = k == LEDGER_TSC ? reads : READ_ONCE(l[k]);

		if (now != r->seen[k]) {
			put(r, TR_HV, k, (uint32_t)(now - r->seen[k]), 0, 0);
			r->seen[k] = now;
		}
	}
	count_own_reads(r);
}

/* IRQs off on the own ring: an interrupt's event never lands between a
 * thread's clock read and its slot, so a ring's stamps never go back. */
void trace_write(unsigned kind, uint32_t a, uint32_t b, uint32_t c,
		 unsigned flags)
{
	unsigned long f = arch_irq_save();
	struct trace_ring *r = &rings[this_cpu()->id];

	if (!r->stopped && r->ev) {
		if (trace_mask & 1u << TRG_HV)
			note_transitions(r);
		put(r, kind, a, b, c, flags);
		count_own_reads(r);
	}
	arch_irq_restore(f);
}

static uint32_t parse_groups(const char *v)
{
	uint32_t m = 0;

	if (!strcmp(v, "all") || cmdline_list_has(v, "on"))
		return (1u << TRG_NR) - 1;
	for (unsigned g = 0; g < TRG_NR; g++)
		if (cmdline_list_has(v, group_names[g]))
			m |= 1u << g;
	return m;
}

void trace_init(void)
{
	const char *v = option_str("trace");
	uint64_t bytes = option_u64("trace_kb") * 1024;
	unsigned order = 0, ok = 0, patched;
	unsigned long f;
	uint32_t mask;

	if (!v)
		return;
	mask = parse_groups(v);
	while ((PAGE_SIZE << order) < bytes)
		order++;
	for (unsigned i = 0; i < cpu_count(); i++) {
		uint64_t pa = page_alloc(order);

		if (!pa) {
			kprintf("trace: no memory for the ring of vCPU %u "
				"(%u KiB): it records nothing\n", i,
				(unsigned)((PAGE_SIZE << order) / 1024));
			continue;
		}
		rings[i].ev = (struct trace_event *)(uintptr_t)pa;
		rings[i].n = (uint32_t)((PAGE_SIZE << order) /
					sizeof(struct trace_event));
		ok++;
	}
	patched = jump_enable(JUMP_TRACE);
	kprintf("trace: %u sites, groups 0x%x (%s), %u KiB = %u events per "
		"vCPU on %u of %u vCPUs\n", patched, mask, v,
		(unsigned)((PAGE_SIZE << order) / 1024), rings[0].n, ok,
		cpu_count());
	/* The counts start with the trace (IRQs off: only this CPU runs
	 * yet). Release: the rings are set up before anyone sees the
	 * mask. */
	f = arch_irq_save();
	for (unsigned i = 0; i < cpu_count(); i++) {
		struct cpu *c = cpu_get(i);

		rings[i].timers0 = c->sched.nr_timer;
		for (unsigned k = 0; k < LEDGER_NR; k++)
			rings[i].ledger0[k] = rings[i].seen[k] = c->ledger[k];
	}
	__atomic_store_n(&trace_mask, mask, __ATOMIC_RELEASE);
	arch_irq_restore(f);
}

void trace_get_counts(struct trace_counts *c)
{
	c->written = c->lost = 0;
	c->per_cpu = rings[0].n;
	for (unsigned i = 0; i < cpu_count(); i++) {
		c->written += rings[i].written;
		c->lost += ring_lost(&rings[i]);
	}
}

/* ---- the dump ---- */

/* The counts of ring i's vCPU from the start to now: the same instant as
 * its last event when run on that vCPU between two switches. */
static void take_counts(unsigned i)
{
	struct trace_ring *r = &rings[i];
	struct cpu *c = cpu_get(i);

	r->stopped = true;
	r->switches = c->sched.nr_switches;
	r->timers = c->sched.nr_timer - r->timers0;
	for (unsigned k = 0; k < LEDGER_NR; k++)
		r->hv[k] = c->ledger[k] - r->ledger0[k];
	r->hv[LEDGER_TSC] -= r->own_reads;
}

/* On its own vCPU, in a cross-call (or IRQs off): its last hv events,
 * then the stop with the counts of the same moment. */
static void stop_here(void *unused)
{
	struct trace_ring *r = &rings[this_cpu()->id];
	unsigned long f = arch_irq_save();

	(void)unused;
	if (r->ev && !r->stopped && (trace_mask & 1u << TRG_HV))
		note_transitions(r);
	take_counts(this_cpu()->id);
	arch_irq_restore(f);
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static size_t base64(char *out, const uint8_t *in, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		v |= i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0;
		v |= i + 2 < n ? in[i + 2] : 0;
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = 0;
	return o;
}

/* One ring, oldest kept event first; returns its frame count. */
static unsigned dump_ring(unsigned cpu, const struct trace_ring *r)
{
	uint64_t kept = r->written - ring_lost(r);
	uint32_t at = (uint32_t)(ring_lost(r) ? r->pos : 0);
	struct trace_event buf[FRAME_EVENTS];
	char line[440];
	unsigned frames = 0;

	for (uint64_t done = 0; done < kept; frames++) {
		unsigned k = (unsigned)MIN(kept - done, (uint64_t)FRAME_EVENTS);
		int len;

		for (unsigned i = 0; i < k; i++) {
			buf[i] = r->ev[at];
			if (++at == r->n)
				at = 0;
		}
		done += k;
		len = ksnprintf(line, sizeof(line), "c=%u f=%u d=", cpu,
				frames);
		base64(line + len, (const uint8_t *)buf, k * sizeof(buf[0]));
		kprintf("TRACE %s k=%08x\n", line, crc32(line, strlen(line)));
	}
	return frames;
}

void trace_dump(bool panicking)
{
	struct thread_counts tc;
	unsigned frames = 0;
	uint32_t groups = trace_mask;
	struct thread *t;

	if (!groups)
		return;
	/* A panic stopped the other vCPUs between two switches; else each
	 * stops itself, in a cross-call, so its ring and its counts end at
	 * the same instant. (Clearing trace_mask first would lose the
	 * events of a vCPU not stopped yet while it still counts them.) */
	for (unsigned i = 0; i < cpu_count(); i++) {
		if (i == this_cpu()->id || panicking || !cpu_get(i)->online)
			continue;
		ipi_call(i, stop_here, NULL, true);
	}
	if (panicking) {
		for (unsigned i = 0; i < cpu_count(); i++)
			take_counts(i);
	} else {
		stop_here(NULL);
	}
	__atomic_store_n(&trace_mask, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < cpu_count(); i++)
		if (ring_lost(&rings[i]))
			audit(AUDIT_TRACE_LOST, "trace: vCPU %u overwrote "
			      "%lu of %lu events (trace_kb= is too small)", i,
			      ring_lost(&rings[i]), rings[i].written);
	thread_get_counts(&tc);
	kprintf("TRACE-BEGIN v=1 cpus=%u hz=%lu event_bytes=%u ring_events=%u "
		"groups=0x%x panic=%d\n", cpu_count(), arch_cycles_hz(),
		(unsigned)sizeof(struct trace_event), rings[0].n, groups,
		panicking);
	for (unsigned i = 0; i < cpu_count(); i++) {
		const struct trace_ring *r = &rings[i];
		char hv[LEDGER_NR * 21 + 1];
		int n = 0;

		for (unsigned k = 0; k < LEDGER_NR; k++)
			n += ksnprintf(hv + n, sizeof(hv) - (size_t)n, "%s%lu",
				       k ? "/" : "", r->hv[k]);
		kprintf("TRACE-CPU cpu=%u ring=%u written=%lu kept=%lu "
			"lost=%lu switches=%lu timers=%lu hv=%s\n", i, r->n,
			r->written, r->written - ring_lost(r), ring_lost(r),
			r->switches, r->timers, hv);
	}
	for (unsigned i = 0; i < cpu_count(); i++)
		frames += dump_ring(i, &rings[i]);
	/* The idle threads have no line: id 0 on every vCPU, the decoder
	 * names them idle/N by the vCPU. */
	if (!panicking) { /* the registry lock may be held by a stopped CPU */
		thread_registry_lock();
		for (t = NULL; (t = thread_registry_next(t));)
			kprintf("TRACE-THREAD id=%lu cpu=%u prio=%d "
				"switches=%lu name=%s\n", thread_id(t), t->last_cpu,
				t->prio, t->acct.switches_vol +
				t->acct.switches_preempt, t->name);
		thread_registry_unlock();
	}
	kprintf("TRACE-END frames=%u spawned=%lu\n", frames, tc.spawned);
}
