/* SPDX-License-Identifier: MIT */
/* arm64 system register access, barriers and the exception frame. */
#ifndef ARCH_ARM64_CPU_H
#define ARCH_ARM64_CPU_H

#include "types.h"
#include "arch/arm64/asm.h"
#include "guest/ledger.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define read_sysreg(r) ({						\
	uint64_t __v;							\
	__asm__ volatile("mrs %0, " __stringify(r) : "=r"(__v));	\
	__v;								\
})
#define write_sysreg(v, r) \
	__asm__ volatile("msr " __stringify(r) ", %0" : : "r"((uint64_t)(v)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")

/* Device register access with plain single-register loads and stores: a
 * hypervisor that emulates the device (Xen's vGIC) gets a valid syndrome
 * (a post-indexed or paired access would have to be decoded in software).
 * Each is a stage-2 fault under a hypervisor: counted as MMIO. */
static inline uint32_t mmio_read32(uintptr_t a)
{
	uint32_t v;

	ledger_add(LEDGER_MMIO);
	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	ledger_add(LEDGER_MMIO);
	__asm__ volatile("str %w0, [%1]" : : "rZ"(v), "r"(a) : "memory");
}
static inline uint64_t mmio_read64(uintptr_t a)
{
	uint64_t v;

	ledger_add(LEDGER_MMIO);
	__asm__ volatile("ldr %0, [%1]" : "=r"(v) : "r"(a) : "memory");
	return v;
}

/* The frame entry.S saves (offsets in asm.h, checked in traps.c). */
struct arch_regs {
	uint64_t x[31];
	uint64_t sp, elr, spsr, esr, far;
};

/* MPIDR affinity as the 32-bit hw_id (Aff3 in bits 31:24, like Linux's
 * compressed form) and back. */
static inline uint32_t mpidr_to_hwid(uint64_t mpidr)
{
	return (uint32_t)(mpidr & 0xffffff) | (uint32_t)((mpidr >> 32) & 0xff) << 24;
}
static inline uint64_t hwid_to_mpidr(uint32_t id)
{
	return (id & 0xffffff) | (uint64_t)(id >> 24) << 32;
}

typedef void (*irq_handler_t)(unsigned intid);
void irq_set_handler(unsigned intid, irq_handler_t h); /* SGIs and PPIs */
void arch_dump_regs(const struct arch_regs *r);

/* cfi.c: pointer authentication and BTI, where the CPU has them. */
extern bool cfi_pac_on, cfi_bti_on;
extern const char *cfi_why;
void cfi_init_bsp(void);
void cfi_enable_this_cpu(void);

#endif
