/* SPDX-License-Identifier: MIT */
/*
 * The user-mode programs of suite "domains" (domains.user.c) and the
 * blocks they share with the kernel side (domains.c), which places each in
 * the domain's memory and reads it back through domain_kptr().
 */
#ifndef TESTS_GUEST_DOMAINS_PROG_H
#define TESTS_GUEST_DOMAINS_PROG_H

#include "types.h"
#include "guest/domain/ulib.h"

enum poke_mode { POKE_READ, POKE_WRITE, POKE_EXEC, POKE_PRIV };

struct poke {
	uint32_t mode;
	uintptr_t addr;
	uint64_t seen;      /* what a read returned, if it did not fault */
};

struct counter_job {
	struct umutex m;
	uint32_t workers;     /* threads to spawn */
	uint32_t rounds;      /* increments each */
	uint64_t value;       /* under m */
	uint64_t spawn_fail;
};

struct spin_job {
	volatile uint64_t ticks;
	volatile uint32_t stop;
};

struct ping_job {
	struct usem a, b;     /* a: ping, b: pong */
	uint32_t rounds;
};

/* What the bad-pointer program passes; results[i] per check. */
struct badptr_job {
	uintptr_t kernel_addr;   /* a kernel address */
	uintptr_t unmapped_addr; /* a page of the domain's region, unmapped */
	uintptr_t other_addr;    /* another domain's page */
	long results[11];
	volatile long child;     /* the self-joiner's handle, + 1 */
};

struct quota_job {
	long alloc_ok, alloc_over, spawn_over, spawn_ok;
};

void u_hello(long arg);
void u_poke(long arg);
void u_counter(long arg);
void u_spin(long arg);
void u_ping(long arg);
void u_pong(long arg);
void u_badptr(long arg);
void u_quota(long arg);
void u_idle(long arg);
void u_nop(void);
void u_selfjoin(long arg);

#endif
