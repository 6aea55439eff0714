/* SPDX-License-Identifier: MIT */
/* PSCI calls through the conduit the device tree names (hvc or smc). */
#ifndef ARCH_ARM64_PSCI_H
#define ARCH_ARM64_PSCI_H

#include "types.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_SYSTEM_OFF 0x84000008u

long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);

#endif
