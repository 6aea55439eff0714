/* SPDX-License-Identifier: MIT */
/* CRC-32 (IEEE 802.3, reflected, the one of zlib.crc32 and cksum -a crc32b). */
#ifndef GUEST_LIB_CRC32_H
#define GUEST_LIB_CRC32_H

#include "types.h"

/* CRC-32 of p[0..n). Bitwise, no table: for dumps, not hot paths. */
uint32_t crc32(const void *p, size_t n);

#endif
