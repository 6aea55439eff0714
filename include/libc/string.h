/* SPDX-License-Identifier: MIT */
/*
 * The guest's <string.h>: the few libc memory and string functions the
 * kernel (and code gcc generates) uses. Implemented in guest/lib/string.c.
 */
#ifndef VSCHED_LIBC_STRING_H
#define VSCHED_LIBC_STRING_H

#include "types.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);

#endif
