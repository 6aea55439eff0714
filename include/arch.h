/* SPDX-License-Identifier: MIT */
/*
 * The arch contract: everything portable code (guest/, virt/) may ask of the
 * CPU architecture. Implemented by arch/<arch>/; the host unit tests provide
 * a host version in tests/unit/host_arch.c. Each prototype says its context.
 */
#ifndef VSCHED_ARCH_H
#define VSCHED_ARCH_H

#include "types.h"

struct cpu;

/* Kinds of inter-processor interrupt the kernel sends (the kind argument
 * of arch_ipi_send(), virt->send_ipi() and kernel_ipi()). */
enum ipi_kind {
	IPI_RESCHED = 0, /* target must run its scheduler */
	IPI_CALL = 1,    /* target must run its pending cross-call */
	IPI_STOP = 2,    /* panic elsewhere: target stops */
	IPI_PING = 3,    /* raw IPI for floor benchmarks: runs cpu->ping_hook */
	IPI_NR
};

/* ---- interrupts (any context) ----
 * arch_irq_save() disables IRQs and returns the old state for
 * arch_irq_restore(); with this_cpu() they are inline in the guest
 * (arch/<arch>/inline.h), out of line in the host tests. */
#if defined(HOST_TEST)
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
struct cpu *this_cpu(void);
#elif defined(__x86_64__)
#include "arch/x86_64/inline.h"
#elif defined(__aarch64__)
#include "arch/arm64/inline.h"
#elif defined(__riscv) && __riscv_xlen == 64
#include "arch/riscv64/inline.h"
#else
#error "no arch/<arch>/inline.h for this target"
#endif
void arch_irq_enable(void);
void arch_irq_disable(void);
/* Turn the nop of an ARCH_JUMP_SITE (arch/<arch>/inline.h) into a jump to
 * target. Boot CPU only, before the others start (no cross-modification).
 * 0, or -EINVAL when target is out of the branch's reach. */
int arch_jump_patch(void *site, void *target);
bool arch_irq_enabled(void);

/* ---- CPU ---- */
void arch_cpu_relax(void);                /* spin-wait hint (pause / yield) */
/* Atomically enable IRQs and wait for one; returns with IRQs disabled.
 * Called by the idle loop with IRQs disabled, so no wakeup is lost. */
void arch_wait_for_irq(void);
uint64_t arch_cycles(void);               /* raw cycle counter, ordered */
uint64_t arch_cycles_raw(void);           /* raw cycle counter, no fences */
/* this_cpu(): per-CPU data of the caller (declared above) */
__noreturn void arch_halt_forever(void);  /* IRQs off, stop this CPU */
void *arch_frame_pointer(void);

/* ---- context switch (IRQs off, caller holds what the scheduler needs) ----
 * arch_switch saves the callee-saved registers on the current stack, stores
 * the stack pointer to *save_sp, loads new_sp and restores from it. */
void arch_switch(void **save_sp, void *new_sp);
/* Prepare a fresh stack so that arch_switch() to the returned sp starts
 * entry(arg) with IRQs disabled. entry must never return. */
void *arch_stack_init(void *stack_top, void (*entry)(void *), void *arg);
/* The switch seal: arch_switch() leaves on the stack it switches away from
 * the return address it will resume at (the word at sp +
 * ARCH_SWITCH_RET_OFF) and a seal of it (the word at sp +
 * ARCH_SWITCH_SEAL_OFF): ret ^ (the seal's own address) ^ arch_switch_key.
 * arch_stack_init() seals the frames it makes. The scheduler checks the
 * seal of every frame before it switches to it (guest/sched/sched.c):
 * a return address overwritten while its thread was switched out is caught
 * before anything returns to it, and the kernel stops (panic). Offsets in
 * arch/<arch>/inline.h; arch_switch_key is set once at boot, before the
 * first switch. */
extern uint64_t arch_switch_key;
static inline uint64_t arch_switch_seal(uint64_t ret, const void *slot)
{
	return ret ^ (uintptr_t)slot ^ arch_switch_key;
}

/* ---- recoverable faults (tests) ----
 * arch_fault_try() returns 0 when called; if a CPU exception happens before
 * arch_fault_end(), the handler prints the dump and arch_fault_try() returns
 * again with the vector + 1. Per CPU, not nested. */
int arch_fault_try(void) __attribute__((returns_twice));
void arch_fault_end(void);
/* The address of the fault arch_fault_try() last caught on this CPU, as
 * the CPU reported it (x86 CR2 for a page fault, arm64 FAR, riscv64
 * stval; else the instruction's address). */
uintptr_t arch_fault_addr(void);
/* Interrupts the (virtual) CPU delivered although the code it interrupted
 * had them masked, which no CPU does on its own: dropped, counted here
 * (x86 under Xen nested in QEMU TCG: entry.S). 0 where it cannot happen. */
uint64_t arch_irq_masked_dropped(void);

/* ---- paging (kernel page tables; any context, takes its own lock) ---- */
#define ARCH_MAP_WRITE 0x1u
#define ARCH_MAP_NOCACHE 0x2u
int arch_map_page(uintptr_t va, uint64_t pa, unsigned flags);
int arch_unmap_page(uintptr_t va);        /* also flushes the TLB on all CPUs */
bool arch_va_mapped(uintptr_t va);
/* 64 bits from the CPU's random-number instruction, and its name (x86:
 * "rdseed" or "rdrand"; arm64: "rndr"); false when the CPU has none or it
 * kept failing (guest/lib/random.c falls back to the cycle counter). */
bool arch_random64(uint64_t *out, const char **name);
/* Base and size of the virtual window reserved for mapped thread stacks. */
uintptr_t arch_stack_area_base(void);
size_t arch_stack_area_size(void);

/* ---- user mode (guest/domain): one address space per domain ----
 * A domain's user window is one top-level slot of the lower half; its
 * root table holds the kernel's top-level entries (supervisor only) and
 * the window. Flags for a user page (pt_format page(), with ARCH_MAP_WRITE):
 * executable (else never executable), and owned by the domain (freed with
 * it; shared and code pages are not). */
#define ARCH_MAP_EXEC 0x4u
#define ARCH_MAP_USER 0x8u
#define ARCH_MAP_OWNED 0x10u
struct pt_format;
struct spinlock;
uintptr_t arch_user_area_base(void);
size_t arch_user_area_size(void);
/* Fill f for the user window of a new root table root (a zeroed page the
 * caller allocated; this copies the kernel's entries into it) under lock. */
void arch_user_format(struct pt_format *f, uint64_t *root,
		      struct spinlock *lock);
/* A last-level entry's page (physical) and whether it allows a user read
 * (or write). */
uint64_t arch_user_pte_pa(uint64_t e);
bool arch_user_pte_allows(uint64_t e, bool write);
bool arch_user_pte_owned(uint64_t e);
/* IRQs off: run on root with address-space id asid (PCID, ASID; 1..63),
 * with kstack_top as the kernel stack of traps and syscalls from user
 * mode. Loads the tables only when they are not already loaded. */
void arch_user_switch(uint64_t *root, unsigned asid, void *kstack_top);
/* IRQs off, on every CPU before a root is freed: leave root if loaded
 * (for the kernel's own tables) and drop asid's TLB entries. */
void arch_user_forget(uint64_t *root, unsigned asid);
/* Enter user mode at pc with stack sp and first argument arg, on the
 * current thread's address space (arch_user_switch done). */
__noreturn void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg);
/* Bracket a kernel access to user memory already checked mapped and
 * allowed (SMAP's stac/clac, PAN off/on); IRQs off in between. */
void arch_user_access_begin(void);
void arch_user_access_end(void);
/* What guards user memory from the kernel here: "smep smap pcid", "pan
 * asid", ... (the bits the CPU has and the kernel turned on). */
const char *arch_user_describe(void);
/* The supervisor-access guards in force: ARCH_USER_NX_GUARD (the kernel
 * cannot execute user pages: SMEP, PXN), ARCH_USER_RW_GUARD (nor read or
 * write them outside arch_user_access_begin: SMAP, PAN). */
#define ARCH_USER_NX_GUARD 0x1u
#define ARCH_USER_RW_GUARD 0x2u
unsigned arch_user_guards(void);
/* Which counter user code reads to match arch_cycles(): 0 the arch's
 * usual one (x86 TSC, arm64 CNTVCT, riscv64 time), 1 riscv64's cycle CSR
 * (where it counts instructions: QEMU icount). */
unsigned arch_user_clock(void);

/* Boot CPU, after memory and boot_cmdline are set up: interrupt
 * controller, timer hardware, interrupt vectors. IRQs stay off. */
void arch_init(void);

/* ---- plain hardware, used by virt/none and as fallbacks (IRQs off) ---- */
uint64_t arch_cycles_hz(void);            /* cycle counter frequency */
/* Arm this CPU's timer to fire when arch_cycles() reaches deadline;
 * UINT64_MAX disarms it. */
void arch_timer_set_cycles(uint64_t deadline);
void arch_ipi_send(unsigned cpu, unsigned kind);
void arch_ipi_send_others(unsigned kind);
void arch_console_write(const char *s, size_t n);
__noreturn void arch_exit(int code);      /* debug-exit device, then halt */
/* Start secondary CPU id (hardware id hw_id) on stack_top; it calls
 * kernel_secondary_main(). 0 or -errno (-ETIMEDOUT if it never showed up). */
int arch_cpu_start(unsigned id, uint32_t hw_id, void *stack_top);
/* Wait for started CPU c to come online, up to 10 s on the cycle counter
 * (emulated CPUs can be slow to come up): 0 or -ETIMEDOUT. guest/percpu.c;
 * for arch_cpu_start() and virt->cpu_start(). */
int cpu_wait_online(struct cpu *c);
void arch_null_exit(void);                /* an instruction that always
					     traps to a hypervisor (cpuid) */
extern const char arch_null_exit_name[];  /* what it is: "cpuid" */
extern const char arch_counter_name[];    /* arch_cycles(): "tsc", "cntvct" */
const char *arch_describe(void);          /* "x2apic tsc-deadline ..." */

/* ---- called by arch, implemented by the portable kernel (guest/) ----
 * All with IRQs disabled, on the interrupted thread's stack. */
void kernel_timer_interrupt(void);        /* this CPU's one-shot fired */
void kernel_ipi(unsigned kind);           /* an IPI of enum ipi_kind */
/* Last step of every IRQ before returning to the interrupted context; may
 * switch threads (the interrupted one resumes later, from here). */
void kernel_irq_exit(void);
/* A CPU exception in a thread that no arch_fault_try() catches. Returns only
 * if the kernel cannot handle it (then arch panics). regs is arch-specific,
 * already printed. */
void kernel_thread_fault(unsigned vector, uintptr_t fault_addr);
/* A system call from user mode (IRQs off on entry; returns the result
 * for the caller's return register). */
long kernel_syscall(unsigned long nr, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3);
/* A CPU exception in user mode at pc: kills the thread (never returns).
 * access: "read", "write", "execute" or what else the CPU said. */
__noreturn void kernel_user_fault(unsigned vector, uintptr_t addr,
				  const char *access, uintptr_t pc);
struct boot_info;
__noreturn void kernel_main(struct boot_info *bi);  /* boot CPU */
__noreturn void kernel_secondary_main(void);        /* other CPUs */

#endif
