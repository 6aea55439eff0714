/* SPDX-License-Identifier: MIT */
/*
 * Boot entropy and reproducible randomness: one 64-bit seed, from seed=N
 * on the command line, else the CPU's random-number instruction (x86
 * RDSEED, then RDRAND; arm64 RNDR), else the cycle counter's low bits.
 * Values are derived from the seed and a key (random_for()), so a given
 * seed= gives every thread the same values whatever the CPU or order.
 */
#ifndef GUEST_LIB_RANDOM_H
#define GUEST_LIB_RANDOM_H

#include "types.h"

extern uint64_t random_seed;
extern const char *random_source; /* "the command line (seed=)",
				   * "rdseed", "rdrand", "rndr", or
				   * "cycle counter" */

void random_init(void); /* boot CPU, after the options are read */

/* A 64-bit mixing function (SplitMix64's finalizer): a bijection that
 * spreads every input bit over the output. */
static inline uint64_t random_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* The random value of key under this boot's seed: SplitMix64's output
 * for the key-th step of the sequence the seed starts. */
static inline uint64_t random_for(uint64_t key)
{
	return random_mix(random_seed + key * 0x9e3779b97f4a7c15ull);
}

#endif
