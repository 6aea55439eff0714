/* SPDX-License-Identifier: MIT */
/* Host tests of the pvclock reader shared by virt/kvm and virt/xen. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <xen/xen.h>

#include "virt/pvclock.h"
#include "arch/x86_64/cpu.h"

/* The record Xen/KVM would publish for a TSC of hz: shift chosen so that
 * mul = (10^9 << 32) / (hz scaled by shift) lands in [2^31, 2^32), i.e.
 * the scaled rate in (1 GHz, 2 GHz]. */
static void record_for(struct vcpu_time_info *t, uint64_t hz)
{
	int shift = 0;
	uint64_t scaled = hz;

	while (scaled > 2000000000ull) {
		scaled >>= 1;
		shift--;
	}
	while (scaled <= 1000000000ull) {
		scaled <<= 1;
		shift++;
	}
	*t = (struct vcpu_time_info){
		.tsc_to_system_mul = (uint32_t)((1000000000ull << 32) / scaled),
		.tsc_shift = (int8_t)shift,
	};
}

Test(pvclock, tsc_hz_round_trips)
{
	const uint64_t rates[] = {1000000000ull, 2596126000ull, 3000000000ull,
				  100000000ull, 24000000ull, 4800000000ull};
	struct vcpu_time_info t;

	for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t hz;

		record_for(&t, rates[i]);
		hz = pvclock_tsc_hz(&t);
		/* mul is truncated to 32 bits: a part in 2^31 at worst */
		cr_assert(hz + rates[i] / 1000000 >= rates[i] &&
			  hz <= rates[i] + rates[i] / 1000000,
			  "%lu Hz came back as %lu", rates[i], hz);
	}
}

Test(pvclock, tsc_hz_of_an_empty_record_is_zero)
{
	struct vcpu_time_info t = {0};

	cr_assert_eq(pvclock_tsc_hz(&t), 0);
}

Test(pvclock, reading_before_the_timestamp_is_system_time)
{
	struct vcpu_time_info t;

	record_for(&t, 2000000000ull);
	t.system_time = 123456789;
	t.tsc_timestamp = rdtsc_ordered() + (1ull << 62); /* in the future */
	cr_assert_eq(pvclock_read(&t), 123456789);
}

Test(pvclock, extrapolates_with_the_tsc)
{
	struct vcpu_time_info t = {
		.system_time = 1000,
		.tsc_to_system_mul = 1u << 31, /* half a ns per tick ... */
		.tsc_shift = 1,                /* ... of the TSC doubled */
	};
	uint64_t before, ns, after;

	t.tsc_timestamp = rdtsc_ordered();
	before = rdtsc_ordered() - t.tsc_timestamp;
	ns = pvclock_read(&t);
	after = rdtsc_ordered() - t.tsc_timestamp;
	cr_assert(ns >= 1000 + before && ns <= 1000 + after,
		  "%lu ns outside [%lu, %lu]", ns, 1000 + before, 1000 + after);
}

Test(pvclock, negative_shift_and_big_deltas)
{
	struct vcpu_time_info t = {
		.system_time = 0,
		.tsc_to_system_mul = 0xffffffffu, /* ~1 ns per tick ... */
		.tsc_shift = -2,                  /* ... of TSC / 4 */
	};
	uint64_t delta = 4000000000000ull; /* 4e12 ticks: 1000 s */
	uint64_t ns;

	t.tsc_timestamp = rdtsc_ordered() - delta;
	ns = pvclock_read(&t);
	cr_assert(ns >= 999000000000ull && ns < 1001000000000ull,
		  "%lu ns, expected about 1000 s", ns);
}

Test(pvclock, monotonic_never_goes_back)
{
	uint64_t last = 100;

	cr_assert_eq(pvclock_monotonic(&last, 50), 100);
	cr_assert_eq(last, 100);
	cr_assert_eq(pvclock_monotonic(&last, 150), 150);
	cr_assert_eq(last, 150);
	cr_assert_eq(pvclock_monotonic(&last, 150), 150);
}
