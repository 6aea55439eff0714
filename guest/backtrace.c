/* SPDX-License-Identifier: MIT */
/*
 * Frame-pointer backtraces. Both arches keep a frame record of two words,
 * {caller's record, return address}, at the frame pointer (x86-64 rbp with
 * -fno-omit-frame-pointer; arm64 x29, per AAPCS64), so one walker serves.
 */
#include "arch.h"
#include "guest/backtrace.h"
#include "guest/lib/printf.h"

/* Every record is checked to be mapped before it is read. */
void backtrace_print(void *frame)
{
	uint64_t *fp = frame;

	kprintf("  backtrace:");
	for (int depth = 0; depth < 16 && fp; depth++) {
		if (!IS_ALIGNED((uintptr_t)fp, 8) ||
		    !arch_va_mapped((uintptr_t)fp) ||
		    !arch_va_mapped((uintptr_t)(fp + 1)))
			break;
		if (fp[1] == 0)
			break;
		kprintf(" %lx", fp[1]);
		fp = (uint64_t *)fp[0];
	}
	kprintf("\n");
}
