/* SPDX-License-Identifier: MIT */
/* Freestanding stand-in for libfdt's headers (INT_MAX, UINT_MAX). */
#ifndef VSCHED_LIMITS_H
#define VSCHED_LIMITS_H
#define INT_MAX __INT_MAX__
#define INT_MIN (-INT_MAX - 1)
#define UINT_MAX (INT_MAX * 2U + 1U)
#endif
