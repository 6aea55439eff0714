/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU data. Reached only through this_cpu() (arch: %gs:0 on x86-64)
 * and cpu_get(id); never by indexing an array directly.
 */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#include "arch.h"
#include "guest/sched/sched_cpu.h"
#include "guest/spinlock.h"

#define CPU_LEDGER_SLOTS 12

struct cpu {
	struct cpu *self;       /* must stay first: arch loads it via %gs:0 */
	unsigned id;            /* logical index, 0 = boot CPU */
	uint32_t hw_id;         /* APIC id (x86) or MPIDR (arm64) */
	volatile bool online;   /* set by the CPU itself once in its idle loop */
	void *fault_ctx;        /* arch_fault_try() recovery state, or NULL */
	/* Room for arch/'s struct arch_pcpu (arch/<arch>/pcpu.h) and the
	 * backend's (struct xen_pcpu, struct kvm_pcpu), each overlaid with
	 * a static size check where it is defined. */
	uint64_t arch[18] __aligned(16);
	uint64_t virt[16] __aligned(16);
	uint64_t irq_count;     /* interrupts taken (statistics) */
	uint64_t ipi_count[4];  /* IPIs received, per enum ipi_kind */
	uint64_t timer_count;   /* one-shot timer interrupts taken */
	/* Transition ledger (guest/ledger.h), by enum ledger_kind; only
	 * this CPU adds, atomically. */
	uint64_t ledger[CPU_LEDGER_SLOTS];
	/* Raw timer hook for foundation tests: when set, a timer interrupt
	 * goes here instead of to the scheduler (guest/irq.c). */
	void (*timer_hook)(void);
	void (*ping_hook)(void);   /* IPI_PING handler (floor benchmarks) */
	/* Cross-call slot (guest/ipi.c): call_lock is held by the sender
	 * from posting until the call is done. */
	struct spinlock call_lock;
	void (*call_fn)(void *);
	void *call_arg;
	bool call_wait;
	bool call_running; /* call_fn is running here (a fault ends it) */
	int call_result;   /* 0, or -EFAULT: call_fn faulted */
	volatile uint64_t call_seq, call_done;
	struct sched_cpu sched; /* owned by guest/sched */
};

/* Offsets used from assembly (checked in arch code). */
#define CPU_OFF_FAULT_CTX 24
#define CPU_OFF_ARCH 32

/* guest/percpu.c's storage: use cpu_get() and cpu_count(), not these. */
extern struct cpu percpu_cpus[MAX_CPUS];
extern unsigned percpu_nr;

/* The CPU with this id, or NULL for a bad id (inline: every remote wake
 * and push looks its target up). */
static inline struct cpu *cpu_get(unsigned id)
{
	return id < percpu_nr ? &percpu_cpus[id] : NULL;
}
static inline unsigned cpu_count(void) /* vCPUs found at boot (MADT/DT) */
{
	return percpu_nr;
}
unsigned cpu_online_count(void);
void cpu_register(unsigned id, uint32_t hw_id); /* boot CPU, during setup */
/* The secondary CPU (id 1 and up) with hardware id hw_id, or NULL: what a
 * CPU started by the firmware looks itself up by (arm64, riscv64). */
struct cpu *cpu_find_hw_id(uint32_t hw_id);

#endif
