/* SPDX-License-Identifier: MIT */
/*
 * What gcc calls out of line on rv64ima and Debian's libgcc cannot give a
 * soft-float (lp64) kernel (it is built for lp64d): count leading and
 * trailing zeros (no Zbb), 128-bit division, and the 16-bit atomics the
 * ticket spinlock uses (gcc 12 does not inline sub-word atomics: here they
 * are LR/SC on the aligned word holding the halfword, fully ordered).
 */
#include "types.h"

int __clzdi2(uint64_t x);
int __ctzdi2(uint64_t x);
unsigned __int128 __udivti3(unsigned __int128 n, unsigned __int128 d);
uint16_t __atomic_fetch_add_2(volatile void *p, uint16_t v, int model);
bool __atomic_compare_exchange_2(volatile void *p, void *expected,
				 uint16_t desired, bool weak, int success,
				 int failure);

int __clzdi2(uint64_t x)
{
	int n = 0;

	for (int s = 32; s; s >>= 1)
		if (!(x >> (64 - s))) {
			n += s;
			x <<= s;
		}
	return x ? n : 64;
}

int __ctzdi2(uint64_t x)
{
	int n = 0;

	if (!x)
		return 64;
	for (int s = 32; s; s >>= 1)
		if (!(x << (64 - s))) {
			n += s;
			x >>= s;
		}
	return n;
}

/* Shift and subtract; d == 0 gives all ones, as no trap is wanted. */
unsigned __int128 __udivti3(unsigned __int128 n, unsigned __int128 d)
{
	unsigned __int128 q = 0, r = 0;

	if (!d)
		return ~(unsigned __int128)0;
	if (!(n >> 64) && !(d >> 64))
		return (uint64_t)n / (uint64_t)d;
	for (int i = 127; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (unsigned __int128)1 << i;
		}
	}
	return q;
}

/* The aligned word holding the halfword at p, and the halfword's shift. */
static volatile uint32_t *word_of(volatile void *p, unsigned *shift)
{
	*shift = ((uintptr_t)p & 3) * 8;
	return (volatile uint32_t *)((uintptr_t)p & ~(uintptr_t)3);
}

uint16_t __atomic_fetch_add_2(volatile void *p, uint16_t v, int model)
{
	unsigned shift;
	volatile uint32_t *w = word_of(p, &shift);
	uint32_t mask = 0xffffu << shift, old, new, fail;

	do {
		__asm__ volatile("lr.w.aqrl %0, (%1)" : "=r"(old) : "r"(w) : "memory");
		new = (old & ~mask) | ((old + ((uint32_t)v << shift)) & mask);
		__asm__ volatile("sc.w.aqrl %0, %2, (%1)" : "=&r"(fail)
				 : "r"(w), "r"(new) : "memory");
	} while (fail);
	return (uint16_t)(old >> shift);
}

bool __atomic_compare_exchange_2(volatile void *p, void *expected,
				 uint16_t desired, bool weak, int success,
				 int failure)
{
	unsigned shift;
	volatile uint32_t *w = word_of(p, &shift);
	uint32_t mask = 0xffffu << shift, old, new, fail;
	uint16_t want = *(uint16_t *)expected;

	do {
		__asm__ volatile("lr.w.aqrl %0, (%1)" : "=r"(old) : "r"(w) : "memory");
		if ((uint16_t)(old >> shift) != want) {
			*(uint16_t *)expected = (uint16_t)(old >> shift);
			return false;
		}
		new = (old & ~mask) | ((uint32_t)desired << shift);
		__asm__ volatile("sc.w.aqrl %0, %2, (%1)" : "=&r"(fail)
				 : "r"(w), "r"(new) : "memory");
	} while (fail);
	return true;
}
