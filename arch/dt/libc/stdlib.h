/* SPDX-License-Identifier: MIT */
/* Freestanding stand-in: libfdt_env.h includes <stdlib.h>; nothing used. */
#ifndef VSCHED_STDLIB_H
#define VSCHED_STDLIB_H
#include <stddef.h>
#endif
