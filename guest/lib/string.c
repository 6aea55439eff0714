/* SPDX-License-Identifier: MIT */
/*
 * Freestanding memory and string functions for the guest (see
 * include/libc/string.h). Plain C: word-at-a-time when pointers allow.
 */
#include <string.h>

/*
 * gcc turns byte loops into calls to memset/memcpy; inside those very
 * functions that would recurse, so the pattern is switched off here.
 */
#if defined(__GNUC__) && !defined(__clang__)
#define __no_libcall \
	__attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define __no_libcall
#endif

/* A machine word that may alias any object (we build with and without
 * -fno-strict-aliasing). */
typedef unsigned long __attribute__((__may_alias__)) word_t;
#define WSIZE sizeof(word_t)
#define WMASK (WSIZE - 1)

__no_libcall void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;
	word_t w = (unsigned char)c;

	while (n && ((uintptr_t)p & WMASK)) {
		*p++ = (unsigned char)c;
		n--;
	}
	w |= w << 8;
	w |= w << 16;
	w |= (w << 16) << 16; /* no-op where a word is 32 bits */
	for (; n >= 4 * WSIZE; n -= 4 * WSIZE, p += 4 * WSIZE) {
		((word_t *)p)[0] = w;
		((word_t *)p)[1] = w;
		((word_t *)p)[2] = w;
		((word_t *)p)[3] = w;
	}
	for (; n >= WSIZE; n -= WSIZE, p += WSIZE)
		*(word_t *)p = w;
	while (n--)
		*p++ = (unsigned char)c;
	return s;
}

/* Forward copy; words when dst and src share their misalignment. */
__no_libcall static void copy_fwd(unsigned char *d, const unsigned char *s,
				  size_t n)
{
	if ((((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		while (n && ((uintptr_t)d & WMASK)) {
			*d++ = *s++;
			n--;
		}
		for (; n >= WSIZE; n -= WSIZE, d += WSIZE, s += WSIZE)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
}

/* Backward copy (for overlapping moves to a higher address). */
__no_libcall static void copy_bwd(unsigned char *d, const unsigned char *s,
				  size_t n)
{
	d += n;
	s += n;
	if ((((uintptr_t)d ^ (uintptr_t)s) & WMASK) == 0) {
		while (n && ((uintptr_t)d & WMASK)) {
			*--d = *--s;
			n--;
		}
		for (; n >= WSIZE; n -= WSIZE) {
			d -= WSIZE;
			s -= WSIZE;
			*(word_t *)d = *(const word_t *)s;
		}
	}
	while (n--)
		*--d = *--s;
}

__no_libcall void *memcpy(void *restrict dst, const void *restrict src,
			  size_t n)
{
	copy_fwd(dst, src, n);
	return dst;
}

__no_libcall void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		copy_fwd(d, s, n);
	else
		copy_bwd(d, s, n);
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;

	for (; n; n--, p++)
		if (*p == (unsigned char)c)
			return (void *)p;
	return NULL;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a;
	const unsigned char *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
		if (!*x)
			break;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	const char *last = NULL;

	for (;; s++) {
		if (*s == (char)c)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
