/* SPDX-License-Identifier: MIT */
/*
 * The x86 pvclock record both KVM (kvmclock) and Xen (vcpu_info.time) keep
 * per vCPU: struct vcpu_time_info from Xen's public xen.h. Implemented in
 * virt/pvclock.c; x86 only (it extrapolates with the TSC).
 */
#ifndef VIRT_PVCLOCK_H
#define VIRT_PVCLOCK_H

#include "types.h"

struct vcpu_time_info; /* the includer brings <xen/xen.h> (or virt/xen/xen.h) */

/* system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32, read under
 * the version counter like a seqlock (odd: the hypervisor is mid-update). */
uint64_t pvclock_read(const volatile struct vcpu_time_info *t);
/* The TSC frequency the record implies: (10^9 << 32) / mul, shifted; 0
 * when the record is empty (mul 0). */
uint64_t pvclock_tsc_hz(const volatile struct vcpu_time_info *t);
/* ns, made monotonic across vCPUs through *last when each vCPU
 * extrapolates its own record (no stable-TSC flag). */
uint64_t pvclock_monotonic(uint64_t *last, uint64_t ns);

#endif
