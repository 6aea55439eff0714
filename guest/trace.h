/* SPDX-License-Identifier: MIT */
/*
 * The scheduler's event trace: per-vCPU rings of fixed-size binary events,
 * stamped with the benchmarks' cycle counter (arch_cycles), written only
 * by their own vCPU with IRQs off (no atomics, no lock). trace= on the
 * command line turns on all kinds ("on", "all") or some groups of them;
 * trace_kb=N sizes each ring. A full ring overwrites its oldest events
 * and counts them as lost. trace_dump() prints the rings in checksummed
 * frames (docs/trace.md); tools/trace turns them into Perfetto JSON,
 * CSV and a timeline. Off, each site costs a load, a test and a branch.
 */
#ifndef GUEST_TRACE_H
#define GUEST_TRACE_H

#include "types.h"
#include "guest/jump.h"

/* Groups, each a bit of trace_mask and a word of trace=. */
enum trace_group {
	TRG_SWITCH, TRG_WAKEUP, TRG_MIGRATE, TRG_IPI, TRG_TIMER, TRG_IDLE,
	TRG_THREAD, TRG_MUTEX, TRG_HV, TRG_NR
};

/* An event kind is its group times 16 plus a number in the group, so the
 * group bit of a constant kind is a constant. The numbers are the dump
 * format: tools/trace decodes them (never renumber, only add). */
#define TR_KIND(g, n) ((g) << 4 | (n))
enum trace_kind {
	/* a: prev id, b: next id, c: why | prev state << 8 | idle flags
	 * << 16 (bit 0: prev is idle, bit 1: next is idle) */
	TR_SWITCH = TR_KIND(TRG_SWITCH, 0),
	/* a: woken id, b: target vCPU, c: 1 if it was still running here */
	TR_WAKEUP = TR_KIND(TRG_WAKEUP, 0),
	/* a: id, b: from vCPU, c: to vCPU; one kind per cause */
	TR_PUSH = TR_KIND(TRG_MIGRATE, 0),    /* a waiting thread given away */
	TR_STEAL = TR_KIND(TRG_MIGRATE, 1),   /* taken by an idle vCPU */
	TR_MIGRATE = TR_KIND(TRG_MIGRATE, 2), /* its affinity moved it */
	TR_IPI_SEND = TR_KIND(TRG_IPI, 0),    /* a: target vCPU, b: kind */
	TR_IPI_RECV = TR_KIND(TRG_IPI, 1),    /* a: kind */
	TR_TIMER_ARM = TR_KIND(TRG_TIMER, 0), /* a, b: deadline ns lo, hi */
	TR_TIMER_FIRE = TR_KIND(TRG_TIMER, 1),
	TR_IDLE_ENTER = TR_KIND(TRG_IDLE, 0), /* a: 1 halt, 0 poll */
	TR_IDLE_EXIT = TR_KIND(TRG_IDLE, 1),
	/* a: id, b: spawner's id, c: prio | target vCPU << 8 */
	TR_SPAWN = TR_KIND(TRG_THREAD, 0),
	/* a: id, b, c: 8 bytes of its name, flags: which 8 (0, 1, 2) */
	TR_NAME = TR_KIND(TRG_THREAD, 1),
	TR_EXIT = TR_KIND(TRG_THREAD, 2),     /* a: id, b: 1 if killed */
	TR_JOIN = TR_KIND(TRG_THREAD, 3),     /* a: joined id, b: result lo */
	/* a: mutex address lo, b: owner id (contended), new owner (handoff) */
	TR_MUTEX_WAIT = TR_KIND(TRG_MUTEX, 0),
	TR_MUTEX_HANDOFF = TR_KIND(TRG_MUTEX, 1),
	/* a: enum ledger_kind, b: how many of them this vCPU made since its
	 * previous event (the transition ledger, sampled before each event;
	 * the tracer's own clock reads are left out) */
	TR_HV = TR_KIND(TRG_HV, 0),
};

struct trace_event {
	uint64_t ts;      /* arch_cycles() of this vCPU */
	uint32_t a, b, c; /* by kind, above */
	uint8_t kind;     /* enum trace_kind */
	uint8_t flags;    /* by kind */
	uint16_t seq;     /* low bits of the vCPU's event count */
};
_Static_assert(sizeof(struct trace_event) == 24, "trace format");

/* Groups on (bit per enum trace_group): read on every traced path. */
extern uint32_t trace_mask;

/* Cold: the compiler keeps it and its argument set-up off the hot path. */
__attribute__((cold)) void trace_write(unsigned kind, uint32_t a, uint32_t b,
				       uint32_t c, unsigned flags);

/* Whether tracing is on at all: a jump site that trace_init() patches
 * (guest/jump.h), so with trace= absent each site costs one nop and no
 * register set-up. */
static __always_inline bool trace_on(void) { return jump_trace_on(); }

/* One event, if its group is on. */
static __always_inline void trace4(unsigned kind, uint32_t a, uint32_t b,
				   uint32_t c, unsigned flags)
{
	if (__builtin_expect(trace_on(), 0) &&
	    (trace_mask & (1u << (kind >> 4))))
		trace_write(kind, a, b, c, flags);
}
#define trace(kind, a, b, c) trace4(kind, a, b, c, 0)

/* trace= and trace_kb= from the command line: allocate the rings (boot
 * CPU, before the others start). Prints one line when on. */
void trace_init(void);
/* Stop tracing and print every ring (framed, checksummed), the live
 * threads and the scheduler's counts to compare with. At the end of a
 * run, and from panic() (other vCPUs stopped: no waiting on them). */
void trace_dump(bool panicking);
/* Option word i of trace= (the groups, "on"); NULL past the end. */
const char *trace_group_name(unsigned i);

/* Counts for the trace suite and the thread table. */
struct trace_counts {
	uint64_t written; /* events written, every vCPU */
	uint64_t lost;    /* overwritten before the dump */
	unsigned per_cpu; /* ring size in events */
};
void trace_get_counts(struct trace_counts *c);

#endif
