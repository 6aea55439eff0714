/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the scheduler suites: iteration scaling by measured
 * CPU speed (KVM here emulates guest kernel code ~1000x slower), a PRNG,
 * pinned spawns and spinning.
 */
#ifndef TESTS_GUEST_SCHED_UTIL_H
#define TESTS_GUEST_SCHED_UTIL_H

#include "types.h"
#include "virt.h"
#include "guest/sched/sync.h"
#include "guest/sched/thread.h"

#define MS 1000000ull
#define US 1000ull

/* n scaled down by how much slower this machine runs kernel code than
 * QEMU TCG here; never below min. */
unsigned st_scale(unsigned n, unsigned min);
/* Slowdown factor measured once (1 = TCG-like speed or faster). */
unsigned st_slowdown(void);
/*
 * strict_timing on the command line: the manifest sets it where guest time
 * cannot be stolen (QEMU -icount: one instruction is one ns, vCPUs run in
 * turn on one host thread), so timing checks use tight bounds derived from
 * floors measured in the same boot. Without it only bounds that survive a
 * loaded host are checked.
 */
bool st_strict(void);

struct st_rng {
	uint64_t s; /* xorshift64 state, non-zero */
};

static inline uint64_t st_rand(struct st_rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

/* Spawn fn(arg) with a name, priority and affinity (0 = all); returns 0:
 * a failure (no memory) ends the run through st_need(). */
int st_spawn(long (*fn)(void *), void *arg, const char *name, int prio,
	     uint64_t mask, struct thread_handle *h);
/* rc of a thread_spawn() of `what` that the suite needs: non-zero ends the
 * run with a FAIL line saying why and how much memory was free, instead of
 * waiting forever for a thread that does not exist. */
void st_need(int rc, const char *what);
void st_spin_ns(uint64_t ns);
/* Ping-pong between two threads over two semaphores: st_pong() (a thread
 * body, arg the struct) answers rounds pings; st_ping() is one round. */
struct st_pingpong {
	struct sem a, b;  /* ping -> pong, pong -> ping */
	unsigned rounds;  /* pongs st_pong() answers */
};
void st_pingpong_init(struct st_pingpong *p, unsigned rounds);
long st_pong(void *arg);
void st_ping(struct st_pingpong *p);
/* A thread body that recurses until its stack overflows into the guard
 * page (each frame ~512 bytes, no tail call): the thread is killed. */
long st_overflow_stack(void *unused);
/* Pin the calling thread to the vCPU it runs on (returned), for code that
 * must know where it runs; st_unpin_self() allows every vCPU again. */
unsigned st_pin_self(void);
void st_unpin_self(void);
/*
 * One step of a polling wait: sleep *ns (start it at 0), then double it,
 * from 100 us up to 8 ms. A fixed short sleep can livelock where a timer
 * interrupt and two switches cost more than the sleep (Xen nested in QEMU
 * TCG): the sleeper is due again before the thread it waits for has run
 * one instruction of its own.
 */
void st_backoff(uint64_t *ns);
/* Wait in st_backoff() naps until cond holds or timeout_ns passed (the
 * kernel's WAIT_UNTIL, include/types.h): true if cond held. A test that
 * waits on something broken then fails its check instead of hanging. */
#define st_wait(cond, timeout_ns)                                          \
	({                                                                 \
		uint64_t st_nap_ = 0;                                      \
		WAIT_UNTIL(cond, virt_clock_ns(), timeout_ns,              \
			   st_backoff(&st_nap_));                          \
	})
/*
 * The floor under a wakeup (tests/guest/smp.c): the lateness of the raw
 * one-shot timer on this vCPU while it halts, as an idle vCPU does, so it
 * includes what the hypervisor and the host take to run a halted vCPU
 * again (UINT64_MAX: it never fired). Thread context.
 */
uint64_t st_timer_shot_halted(void);
/* Mean round trip of two threads yielding to each other on cpu (two
 * switches), each side reading the clock once as a switch out of idle or
 * a wakeup does (a yield itself may read none: yield_clock=): what the
 * kernel's own paths cost on this backend. Timed with
 * the cycle counter on that one vCPU: under Xen without a stable TSC
 * virt_clock_ns() is clamped monotonic across vCPUs, and on a vCPU whose
 * clock lags it reads the same time for milliseconds (seen: 33 round
 * trips in "2 ns"). */
uint64_t st_yield_floor(unsigned cpu);
/* Sort a small array of u64 (insertion sort) and return the median. */
uint64_t st_median(uint64_t *v, unsigned n);
/* The same, returning the lower quartile: still right when host stalls
 * hit up to three quarters of the samples. */
uint64_t st_quartile1(uint64_t *v, unsigned n);
/* Print the thread table if not stopped (ns = 0) within ns. */
void st_watchdog(uint64_t ns);

#endif
