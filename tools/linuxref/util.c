/* SPDX-License-Identifier: MIT */
/* tools/linuxref: the histogram (the guest's own), futexes, pinned threads. */
#include "tools/linuxref/linuxref.h"

/* ------------------------------------------------------------------ */
/* Histogram                                                           */
/* ------------------------------------------------------------------ */

struct hist *hist_new(void)
{
	struct hist *h = malloc(sizeof(*h));

	if (!h)
		fatal("malloc", errno);
	hist_init(h);
	return h;
}

uint64_t bucket_low(unsigned i)
{
	return hist_bucket_low(i);
}

uint64_t hist_quantile(const struct hist *h, uint64_t ppm)
{
	return hist_quantile_ppm(h, (uint32_t)ppm);
}

/* ------------------------------------------------------------------ */
/* Threads and futexes                                                 */
/* ------------------------------------------------------------------ */

static long futex(atomic_int *word, int op, int val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

void futex_wait(atomic_int *word, int val)
{
	futex(word, FUTEX_WAIT_PRIVATE, val);
}

void futex_wake(atomic_int *word)
{
	futex(word, FUTEX_WAKE_PRIVATE, 1);
}

/* Starts fn(arg) pinned to cpu with the given policy (SCHED_OTHER or
 * SCHED_FIFO) and priority. Returns 0 or an errno. */
int thread_start(pthread_t *t, void *(*fn)(void *), void *arg,
			unsigned cpu, int policy, int prio)
{
	pthread_attr_t a;
	cpu_set_t set;
	struct sched_param sp = {.sched_priority = prio};
	int rc;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_attr_init(&a);
	rc = pthread_attr_setaffinity_np(&a, sizeof(set), &set);
	if (!rc)
		rc = pthread_attr_setinheritsched(&a, PTHREAD_EXPLICIT_SCHED);
	if (!rc)
		rc = pthread_attr_setschedpolicy(&a, policy);
	if (!rc)
		rc = pthread_attr_setschedparam(&a, &sp);
	if (!rc)
		rc = pthread_create(t, &a, fn, arg);
	pthread_attr_destroy(&a);
	return rc;
}

int pin_self(unsigned cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? errno : 0;
}
