/* SPDX-License-Identifier: MIT */
/* The pvclock reader shared by virt/kvm and virt/xen (see pvclock.h). */
#include "types.h"
#include <xen/xen.h>

#include "virt/pvclock.h"
#include "arch/x86_64/cpu.h"

uint64_t pvclock_read(const volatile struct vcpu_time_info *t)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		/* A TSC read before tsc_timestamp (another vCPU's record
		 * just updated) counts as no time since it. */
		int64_t d = (int64_t)(rdtsc_ordered() - t->tsc_timestamp);
		uint64_t delta = d > 0 ? (uint64_t)d : 0;
		int8_t shift = t->tsc_shift;

		delta = shift >= 0 ? delta << shift : delta >> -shift;
		ns = t->system_time + (uint64_t)(((unsigned __int128)delta *
						  t->tsc_to_system_mul) >> 32);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != t->version);
	return ns;
}

uint64_t pvclock_tsc_hz(const volatile struct vcpu_time_info *t)
{
	uint32_t mul = t->tsc_to_system_mul;
	int8_t shift = t->tsc_shift;
	uint64_t hz;

	if (!mul)
		return 0; /* no record (yet): the caller measures instead */
	hz = (1000000000ull << 32) / mul;
	return shift >= 0 ? hz >> shift : hz << -shift;
}

uint64_t pvclock_monotonic(uint64_t *last, uint64_t ns)
{
	uint64_t seen = __atomic_load_n(last, __ATOMIC_RELAXED);

	do {
		if (ns <= seen)
			return seen;
	} while (!__atomic_compare_exchange_n(last, &seen, ns, true,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return ns;
}
