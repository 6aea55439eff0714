/* SPDX-License-Identifier: MIT */
/*
 * Basic types and compiler helpers shared by guest code, arch code and the
 * host unit tests. Only compiler-provided freestanding headers are used.
 */
#ifndef VSCHED_TYPES_H
#define VSCHED_TYPES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define container_of(ptr, type, member) \
	((type *)((char *)(ptr) - offsetof(type, member)))

#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#define __noreturn __attribute__((noreturn))
#define __unused __attribute__((unused))
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif
#define __aligned(n) __attribute__((aligned(n)))
#define __packed __attribute__((packed))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __section(s) __attribute__((section(s)))
#define __used __attribute__((used))

/* Compiler barrier and single-copy accesses (like Linux's READ_ONCE). */
#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/*
 * The one wait with a timeout: evaluate cond, and while it is false and
 * less than span has passed on the clock expression now (arch_cycles() in
 * bring-up, before the hypervisor's clock is up; virt_clock_ns() after),
 * run pause (arch_cpu_relax(), arch_wait_for_irq(), a nap) and look again.
 * Its value is cond's last: true when the wait ended because cond held.
 */
#define WAIT_UNTIL(cond, now, span, pause)                                  \
	({                                                                  \
		__typeof__(now) wait_t0_ = (now);                           \
		bool wait_ok_;                                              \
		while (!(wait_ok_ = !!(cond)) && (now) - wait_t0_ < (span)) \
			pause;                                              \
		wait_ok_;                                                   \
	})

/* Standard error numbers returned negated by every fallible API. */
#define EPERM 1
#define ENOENT 2
#define ESRCH 3
#define EINTR 4
#define EIO 5
#define E2BIG 7
#define EAGAIN 11
#define ENOMEM 12
#define EFAULT 14
#define EBUSY 16
#define EEXIST 17
#define EINVAL 22
#define ENOSPC 28
#define ERANGE 34
#define EDEADLK 35
#define ENOSYS 38
#define ENODEV 19
#define ETIMEDOUT 110
#define EDQUOT 122
#define ECANCELED 125
#define EOWNERDEAD 130

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

/* Most vCPUs the kernel supports (affinity masks are 64-bit). */
#define MAX_CPUS 64

#endif
