/* SPDX-License-Identifier: MIT */
/*
 * Control-flow integrity the kernel enforces.
 * Suite "cfi_seal" (not in test=all: it ends the run): a waiting thread's
 * saved return address is overwritten while it is switched out; when it is
 * woken, the scheduler finds the seal arch_switch() left beside it broken
 * (include/arch.h) and stops the kernel with a report before anything
 * returns there (the run ends in a panic, exit code 3: tests/guest/
 * suites.cfg expects it). With inject=switch_unsealed the overwritten
 * address is followed (the "hijack" runs, the thread exits normally) and
 * the suite's one check fails.
 * Suite "cfi", arm64, where the CPU offers them (QEMU's -cpu max; the
 * arm64 Xen backend's cortex-a57 has neither: skipped there, saying why):
 * - cfi.pac_return: a thread overwrites the return address its function
 *   signed (pac-ret) and returns: authentication fails, the thread is
 *   killed and reported, the gadget it was sent to never runs.
 * - cfi.bti_landing: an indirect call to an instruction that is no
 *   landing pad (bti / paciasp) takes a branch target exception instead
 *   of running it.
 * inject=cfi_hw_off leaves both off while the kernel says on: both fail.
 * Elsewhere the suite says what it has (nothing: x86-64 and riscv64 have
 * no such hardware under QEMU 7.2).
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/sched/sched.h"
#include "guest/sched/sync.h"
#include "guest/test.h"
#include "tests/guest/sched_util.h"
#if defined(__aarch64__)
#include "arch/arm64/cpu.h"
#endif

#define HIJACKED 0x417acL

static struct sem victim_go = SEM_INIT(0);
static volatile int victim_waiting, hijacked;

static long victim_fn(void *arg)
{
	victim_waiting = 1;
	sem_wait(&victim_go);
	return 1; /* only if nothing touched its frame */
}

/* Where the overwritten return address leads: reached by arch_switch()'s
 * return, mid-switch, so it finishes the switch as a new thread would,
 * then exits with a value that says it ran. */
static void hijack(void)
{
	sched_finish_switch();
	arch_irq_enable();
	hijacked = 1;
	thread_exit(HIJACKED);
}

static void suite_cfi_seal(void)
{
	struct thread_handle h;
	unsigned cpu = st_pin_self();
	long result = 0;
	int rc;

	victim_waiting = 0;
	hijacked = 0;
	sem_init(&victim_go, 0);
	st_need(st_spawn(victim_fn, NULL, "cfi-victim", SCHED_PRIO_DEFAULT,
			 1ull << cpu, &h), "cfi-victim");
	/* Our vCPU alone runs it: once it waits, it is switched out. */
	while (!victim_waiting ||
	       __atomic_load_n(&h.t->state, __ATOMIC_ACQUIRE) != THREAD_BLOCKED ||
	       __atomic_load_n(&h.t->on_cpu, __ATOMIC_ACQUIRE))
		thread_yield();
	kprintf("cfi_seal: overwriting the return address of '%s' at 0x%lx "
		"with 0x%lx\n", h.t->name,
		(uintptr_t)h.t->sp + ARCH_SWITCH_RET_OFF, (uintptr_t)hijack);
	*(uintptr_t *)((char *)h.t->sp + ARCH_SWITCH_RET_OFF) = (uintptr_t)hijack;
	sem_post(&victim_go); /* the kernel stops here, or: */
	rc = thread_join(h, &result);
	st_unpin_self();
	report(false, "cfi_seal.switch", "a waiting thread's overwritten return "
	       "address was followed: join %d, result 0x%lx, the hijack %s", rc,
	       result, hijacked ? "ran" : "did not run");
}
SUITE_EX("cfi_seal", suite_cfi_seal, 1, false);

#if defined(__aarch64__)
#define EC_BTI 0x0d
#define EC_BRK 0x3c
#define PAC_GADGET_RAN 0x9acL

static volatile int pac_gadget_ran;

/* Where the overwritten return address leads: reached by a plain ret. */
static void pac_gadget(void)
{
	pac_gadget_ran = 1;
	thread_exit(PAC_GADGET_RAN);
}

static __attribute__((noinline)) void pac_callee(void)
{
	__asm__ volatile("" : : : "memory");
}

/* Not a leaf, so pac-ret signs its return address: overwrite the saved
 * x30 in its frame record (x29 points at {x29, x30}) and return. */
static __attribute__((noinline)) long pac_victim(void *arg)
{
	uint64_t *record = __builtin_frame_address(0);

	pac_callee();
	*(volatile uint64_t *)&record[1] = (uintptr_t)pac_gadget;
	return 0;
}

/* An instruction no indirect branch may land on (a mov: brk would not do,
 * the architecture lets every branch land on a breakpoint), then a
 * breakpoint that says it ran. */
__asm__(".pushsection .text\n\t.balign 4\n\t"
	".globl cfi_no_landing_pad\n"
	"cfi_no_landing_pad:\n\t"
	"mov x0, #0x71\n\t"
	"brk #0x71\n\t"
	"ret\n\t"
	".popsection");
void cfi_no_landing_pad(void);

static void suite_cfi_arm64(void)
{
	struct thread_handle h;
	long result = 0;
	int rc, v;
	void (*volatile target)(void) = cfi_no_landing_pad;

	report_info("cfi.hw", "pointer authentication %s, BTI %s (%s)",
		    cfi_pac_on ? "on" : "off", cfi_bti_on ? "on" : "off", cfi_why);
	if (!cfi_pac_on) {
		report_skip("cfi.pac_return", cfi_why);
	} else {
		pac_gadget_ran = 0;
		st_need(st_spawn(pac_victim, NULL, "cfi-pac", SCHED_PRIO_DEFAULT,
				 THREAD_AFFINITY_ALL, &h), "cfi-pac");
		rc = thread_join(h, &result);
		report(rc == -EOWNERDEAD && !pac_gadget_ran, "cfi.pac_return",
		       "a signed return address overwritten: join %d, result "
		       "0x%lx, the gadget %s", rc, result,
		       pac_gadget_ran ? "ran" : "did not run");
	}
	if (!cfi_bti_on) {
		report_skip("cfi.bti_landing", cfi_why);
		return;
	}
	if (!(v = arch_fault_try()))
		target();
	arch_fault_end();
	report(v == EC_BTI + 1, "cfi.bti_landing", "an indirect call to a "
	       "non-landing pad: %s (exception class 0x%x)",
	       v == EC_BTI + 1 ? "branch target exception"
	       : v == EC_BRK + 1 ? "it ran" : "no exception", v ? v - 1 : 0);
}
#endif

static void suite_cfi(void)
{
#if defined(__aarch64__)
	suite_cfi_arm64();
#else
	report_info("cfi.hw", "no control-flow hardware here (QEMU 7.2 has no "
		    "CET on x86-64, no Zicfiss/Zicfilp on riscv64): the switch "
		    "seal (suite cfi_seal) is the check");
#endif
}
SUITE("cfi", suite_cfi);
