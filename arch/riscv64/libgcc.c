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
/* gcc's builtin prototype; its out-of-line calls pass libatomic's five
 * arguments (no weak). Nothing after desired is read: every order is the
 * strongest. */
bool __atomic_compare_exchange_2(volatile void *p, void *expected,
				 uint16_t desired, bool weak, int success,
				 int failure);

/* De Bruijn: the lowest set bit times the sequence puts a distinct index
 * in the top 6 bits; clz finds the highest bit the same way after smearing
 * it down. A few instructions each: the scheduler's priority bitmap calls
 * them on every switch. */
#define DEBRUIJN 0x03f79d71b4cb0a89ull
static const uint8_t debruijn_index[64] = {
	0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
	62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
	46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6};

int __ctzdi2(uint64_t x)
{
	if (!x)
		return 64;
	return debruijn_index[((x & -x) * DEBRUIJN) >> 58];
}

int __clzdi2(uint64_t x)
{
	if (!x)
		return 64;
	x |= x >> 1;
	x |= x >> 2;
	x |= x >> 4;
	x |= x >> 8;
	x |= x >> 16;
	x |= x >> 32;
	/* x ^ (x >> 1): the highest set bit alone */
	return 63 - debruijn_index[((x ^ (x >> 1)) * DEBRUIJN) >> 58];
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

/* Each LR/SC loop is one asm block of base integer instructions with no
 * backward branch but the retry: the constrained loop the ISA promises
 * eventual success for (a compiler-placed sequence would not be). */
uint16_t __atomic_fetch_add_2(volatile void *p, uint16_t v, int model)
{
	unsigned shift;
	volatile uint32_t *w = word_of(p, &shift);
	uint32_t mask = 0xffffu << shift, inc = (uint32_t)v << shift;
	uint32_t old, new, tmp;

	__asm__ volatile("1:\tlr.w.aqrl %0, (%3)\n\t"
			 "add %1, %0, %4\n\t"
			 "and %1, %1, %5\n\t"
			 "and %2, %0, %6\n\t"
			 "or %1, %1, %2\n\t"
			 "sc.w.aqrl %2, %1, (%3)\n\t"
			 "bnez %2, 1b"
			 : "=&r"(old), "=&r"(new), "=&r"(tmp)
			 : "r"(w), "r"(inc), "r"(mask), "r"(~mask)
			 : "memory");
	return (uint16_t)(old >> shift);
}

bool __atomic_compare_exchange_2(volatile void *p, void *expected,
				 uint16_t desired, bool weak, int success,
				 int failure)
{
	unsigned shift;
	volatile uint32_t *w = word_of(p, &shift);
	uint32_t mask = 0xffffu << shift;
	uint32_t want = (uint32_t)*(uint16_t *)expected << shift;
	uint32_t put = (uint32_t)desired << shift, old, tmp, fail;

	__asm__ volatile("1:\tlr.w.aqrl %0, (%3)\n\t"
			 "and %1, %0, %4\n\t"
			 "bne %1, %5, 2f\n\t"
			 "and %1, %0, %6\n\t"
			 "or %1, %1, %7\n\t"
			 "sc.w.aqrl %2, %1, (%3)\n\t"
			 "bnez %2, 1b\n"
			 "2:"
			 : "=&r"(old), "=&r"(tmp), "=&r"(fail)
			 : "r"(w), "r"(mask), "r"(want), "r"(~mask), "r"(put)
			 : "memory");
	if ((old & mask) == want)
		return true;
	*(uint16_t *)expected = (uint16_t)(old >> shift);
	return false;
}
