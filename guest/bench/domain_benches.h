/* SPDX-License-Identifier: MIT */
/*
 * The domain benchmarks' shared block (domain_benches.c, the kernel side;
 * domain_benches.user.c, the user side): one block of pages in domain a,
 * mapped into domain b too. Samples are taken in user mode, with the
 * same counter as the kernel's (x86 TSC, arm64 CNTVCT), and read back by
 * the kernel once the threads are joined.
 */
#ifndef GUEST_BENCH_DOMAIN_BENCHES_H
#define GUEST_BENCH_DOMAIN_BENCHES_H

#include "types.h"
#include "guest/domain/ulib.h"

struct dbench_job {
	volatile uint64_t stamp;  /* one side's time before it hands off */
	uint32_t rounds;
	uint32_t clock;           /* arch_user_clock(): the counter to read */
	uint32_t nsamples;        /* atomic: samples taken */
	struct usem s1, s2;
	uint64_t samples[];       /* nsamples of them */
};

void ub_stamp(long job);
void ub_null(long job);
void ub_yield(long job);
void ub_poster(long job);
void ub_waiter(long job);

#endif
