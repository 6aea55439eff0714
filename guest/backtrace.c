/* SPDX-License-Identifier: MIT */
/*
 * Frame-pointer backtraces. Every arch keeps a frame record of two words,
 * {caller's frame pointer, return address}: at the frame pointer on x86-64
 * (rbp with -fno-omit-frame-pointer) and arm64 (x29, per AAPCS64), just
 * below it on riscv64 (s0 points at the frame's top, the caller's sp), so
 * one walker serves.
 */
#include "arch.h"
#include "guest/backtrace.h"
#include "guest/lib/printf.h"

#if defined(__riscv)
#define RECORD_BELOW_FP 2 /* words */
#else
#define RECORD_BELOW_FP 0
#endif
/* arm64 return addresses may carry a pointer authentication code in their
 * top bits (pac-ret): the kernel's addresses are below 2^48. */
#if defined(__aarch64__)
#define RET_ADDR(x) ((x) & 0x0000ffffffffffffUL)
#else
#define RET_ADDR(x) (x)
#endif

/* Every record is checked to be mapped before it is read. */
void backtrace_print(void *frame)
{
	uint64_t *fp = frame ? (uint64_t *)frame - RECORD_BELOW_FP : NULL;

	kprintf("  backtrace:");
	for (int depth = 0; depth < 16 && fp; depth++) {
		if (!IS_ALIGNED((uintptr_t)fp, 8) ||
		    !arch_va_mapped((uintptr_t)fp) ||
		    !arch_va_mapped((uintptr_t)(fp + 1)))
			break;
		if (fp[1] == 0)
			break;
		kprintf(" %lx", RET_ADDR(fp[1]));
		fp = fp[0] ? (uint64_t *)fp[0] - RECORD_BELOW_FP : NULL;
	}
	kprintf("\n");
}
