/* SPDX-License-Identifier: MIT */
/*
 * The audit log: security and health events with a severity, kept in the
 * guest (the last AUDIT_KEEP records, and an exact count of every kind)
 * and printed at the end of the run, and after a panic, as AUDIT lines of
 * JSON that tools/trace --audit exports as JSON, CSV or text
 * (docs/trace.md). Threshold alerts (alert_wake_us=, alert_rq=) sit
 * behind a boot-patched jump site: with neither given they cost a nop.
 */
#ifndef GUEST_AUDIT_H
#define GUEST_AUDIT_H

#include "types.h"
#include "guest/jump.h"

enum audit_kind {
	AUDIT_CANARY,      /* a thread's stack canary was overwritten */
	AUDIT_GUARD_PAGE,  /* a thread ran into its stack guard page */
	AUDIT_FAULT,       /* a thread faulted elsewhere and was killed */
	AUDIT_BAD_ARG,     /* the thread or sync API refused an argument */
	AUDIT_REFUSED,     /* a priority or affinity change was refused */
	AUDIT_WAKE_LATE,   /* a wakeup waited longer than alert_wake_us */
	AUDIT_RUNQ_LONG,   /* a run queue grew past alert_rq */
	AUDIT_TRACE_LOST,  /* the event trace overwrote events */
	AUDIT_DOMAIN_FAULT,/* a user-mode thread broke its domain's rules */
	AUDIT_QUOTA,       /* a domain's memory or thread quota refused */
	AUDIT_NR
};

#define AUDIT_KEEP 128 /* records kept; older ones are counted, dropped */

/* Record one event of kind k: the calling vCPU, its current thread, the
 * time, and a message. Any context (IRQs off inside); never blocks on
 * the console. */
void audit(enum audit_kind k, const char *fmt, ...) __printf(2, 3);

/* Thresholds (0 = off), read on the paths jump_alert_on() guards. */
extern uint64_t audit_wake_ns;
extern unsigned audit_rq_len;
/* A wakeup to run of lat ns (IRQs off, on the vCPU that runs it). */
void audit_wake_late(uint64_t tid, uint64_t lat);
/* Run queue of cpu holds nr threads (sampled at its timer interrupts). */
void audit_rq(unsigned cpu, unsigned nr);

/* alert_wake_us= and alert_rq= from the command line (boot CPU, before
 * the others start). */
void audit_init(void);
/* Print the kept records and the counts (end of the run, panic). */
void audit_dump(bool panicking);

struct audit_counts {
	uint64_t count[AUDIT_NR]; /* events of each kind since boot */
	uint64_t dropped;         /* records overwritten (counted above) */
};
void audit_get_counts(struct audit_counts *c);
const char *audit_kind_name(unsigned k);

#endif
