/* SPDX-License-Identifier: MIT */
/* The user side of the domain benchmarks (domain_benches.h). */
#include "guest/bench/domain_benches.h"

/* The kernel's clock, read in user mode, ordered like arch_cycles(). */
static inline uint64_t ucycles_of(const struct dbench_job *j)
{
#if defined(__x86_64__)
	uint32_t lo, hi;

	(void)j;
	__asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)
			 : : "memory");
	return (uint64_t)hi << 32 | lo;
#elif defined(__aarch64__)
	uint64_t c;

	(void)j;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(c) : : "memory");
	return c;
#else
	uint64_t c;

	if (j->clock)
		__asm__ volatile("fence; rdcycle %0" : "=r"(c) : : "memory");
	else
		__asm__ volatile("fence; rdtime %0" : "=r"(c) : : "memory");
	return c;
#endif
}
#define ucycles() ucycles_of(j)

static inline void sample(struct dbench_job *j, uint64_t v)
{
	uint32_t i = __atomic_fetch_add(&j->nsamples, 1, __ATOMIC_RELAXED);

	if (i < j->rounds)
		j->samples[i] = v;
}

/* Two stamps back to back: what the others' samples include of the clock
 * and of user mode alone. */
void ub_stamp(long arg)
{
	struct dbench_job *j = (struct dbench_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		uint64_t t0 = ucycles();

		sample(j, ucycles() - t0);
	}
	uexit(0);
}

void ub_null(long arg)
{
	struct dbench_job *j = (struct dbench_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		uint64_t t0 = ucycles();

		usys(SYS_NULL, 0, 0, 0, 0);
		sample(j, ucycles() - t0);
	}
	uexit(0);
}

/* Two of these on one vCPU (same domain or two): each measures from the
 * other's stamp to its own first user-mode instruction after the yield. */
void ub_yield(long arg)
{
	struct dbench_job *j = (struct dbench_job *)arg;

	for (uint32_t i = 0; i < j->rounds / 2 + 1; i++) {
		uint64_t start = j->stamp, now = ucycles();

		if (i > 0)
			sample(j, now - start);
		j->stamp = ucycles();
		usys(SYS_YIELD, 0, 0, 0, 0);
	}
	uexit(0);
}

void ub_poster(long arg)
{
	struct dbench_job *j = (struct dbench_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		j->stamp = ucycles();
		usem_post(&j->s1);
		usem_wait(&j->s2);
	}
	uexit(0);
}

void ub_waiter(long arg)
{
	struct dbench_job *j = (struct dbench_job *)arg;

	for (uint32_t i = 0; i < j->rounds; i++) {
		usem_wait(&j->s1);
		sample(j, ucycles() - j->stamp);
		usem_post(&j->s2);
	}
	uexit(0);
}
