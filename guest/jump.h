/* SPDX-License-Identifier: MIT */
/*
 * Branches patched once at boot: a feature that is off unless the command
 * line turns it on (the event trace, the audit log's alerts, a yield
 * without a clock reading) tests it
 * with its jump_*_on(), which is one nop until jump_enable(KEY) turns
 * every site of that key into a jump (arch_jump_patch). Boot CPU only, before
 * the other vCPUs start. Host tests have no sites: there it is a flag.
 */
#ifndef GUEST_JUMP_H
#define GUEST_JUMP_H

#include "arch.h"
#include "types.h"

enum jump_key {
	JUMP_TRACE, /* trace= (guest/trace.h) */
	JUMP_ALERT, /* alert_wake_us= or alert_rq= (guest/audit.h) */
	JUMP_YIELD_UNTIMED, /* a yield reads no clock (yield_clock=) */
	JUMP_NR
};

/* jump_trace_on(), jump_alert_on(): whether the key is enabled. */
#ifdef ARCH_JUMP_SITE
#define JUMP_TEST(name, key)                                                \
	static __always_inline bool name(void)                              \
	{                                                                   \
		ARCH_JUMP_SITE(key, on);                                    \
		return false;                                               \
	on:                                                                 \
		return true;                                                \
	}
#else
extern bool jump_enabled[JUMP_NR];
#define JUMP_TEST(name, key)                                                \
	static inline bool name(void) { return jump_enabled[key]; }
#endif
JUMP_TEST(jump_trace_on, JUMP_TRACE)
JUMP_TEST(jump_alert_on, JUMP_ALERT)
JUMP_TEST(jump_yield_untimed_on, JUMP_YIELD_UNTIMED)

/* Patch every site of key; returns how many. Panics on a site out of a
 * branch's reach (a build problem, not a boot-time condition). */
unsigned jump_enable(enum jump_key key);

#endif
