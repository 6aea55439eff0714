/* SPDX-License-Identifier: MIT */
/* riscv64 CSR access, SBI calls, device access and the trap frame. */
#ifndef ARCH_RISCV64_CPU_H
#define ARCH_RISCV64_CPU_H

#include "types.h"
#include "arch/riscv64/asm.h"
#include "guest/ledger.h"

#define __stringify_1(x) #x
#define __stringify(x) __stringify_1(x)

#define csr_read(r) ({							\
	uint64_t __v;							\
	__asm__ volatile("csrr %0, " __stringify(r) : "=r"(__v) : : "memory"); \
	__v;								\
})
#define csr_write(r, v) \
	__asm__ volatile("csrw " __stringify(r) ", %0" : : "rK"((uint64_t)(v)) : "memory")
#define csr_set(r, v) \
	__asm__ volatile("csrs " __stringify(r) ", %0" : : "rK"((uint64_t)(v)) : "memory")
#define csr_clear(r, v) \
	__asm__ volatile("csrc " __stringify(r) ", %0" : : "rK"((uint64_t)(v)) : "memory")

/* Device registers: plain loads and stores, ordered by the I/O fences a
 * device access needs; each counts as MMIO (a trap under a hypervisor). */
static inline uint8_t mmio_read8(uintptr_t a)
{
	uint8_t v;

	ledger_add(LEDGER_MMIO);
	__asm__ volatile("lbu %0, 0(%1)\n\tfence i, r" : "=r"(v) : "r"(a) : "memory");
	return v;
}
static inline void mmio_write8(uintptr_t a, uint8_t v)
{
	ledger_add(LEDGER_MMIO);
	__asm__ volatile("fence w, o\n\tsb %0, 0(%1)" : : "r"(v), "r"(a) : "memory");
}
static inline void mmio_write32(uintptr_t a, uint32_t v)
{
	ledger_add(LEDGER_MMIO);
	__asm__ volatile("fence w, o\n\tsw %0, 0(%1)" : : "r"(v), "r"(a) : "memory");
}

/* The SBI (Supervisor Binary Interface): extension ids and results. */
#define SBI_EXT_BASE 0x10
#define SBI_EXT_TIME 0x54494d45
#define SBI_EXT_IPI 0x735049
#define SBI_EXT_RFENCE 0x52464e43
#define SBI_EXT_HSM 0x48534d
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_DBCN 0x4442434e
#define SBI_SUCCESS 0
#define SBI_ERR_NOT_SUPPORTED (-2)
#define SBI_ERR_INVALID_PARAM (-3)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

struct sbiret {
	long error;
	long value;
};

/* One SBI call: an ecall to the firmware (or the hypervisor, under KVM).
 * Nothing between the register variables and the asm. */
static __always_inline struct sbiret sbi_ecall(unsigned long ext, unsigned long fid,
					       unsigned long a0, unsigned long a1,
					       unsigned long a2, unsigned long a3)
{
	register unsigned long r0 __asm__("a0") = a0;
	register unsigned long r1 __asm__("a1") = a1;
	register unsigned long r2 __asm__("a2") = a2;
	register unsigned long r3 __asm__("a3") = a3;
	register unsigned long r6 __asm__("a6") = fid;
	register unsigned long r7 __asm__("a7") = ext;

	__asm__ volatile("ecall" : "+r"(r0), "+r"(r1)
			 : "r"(r2), "r"(r3), "r"(r6), "r"(r7) : "memory");
	return (struct sbiret){(long)r0, (long)r1};
}

/* An SBI call counted in the ledger under kind. */
struct sbiret sbi_call(unsigned kind, unsigned long ext, unsigned long fid,
		       unsigned long a0, unsigned long a1, unsigned long a2,
		       unsigned long a3);
bool sbi_has(unsigned long ext);       /* BASE probe_extension */
int sbi_errno(long err);                /* an SBI error as -errno */

/* The frame entry.S saves (offsets in asm.h, checked in traps.c). */
struct arch_regs {
	uint64_t x[32]; /* x[0]: unused; x[2]: the interrupted sp */
	uint64_t sepc, sstatus, scause, stval;
};

void arch_dump_regs(const struct arch_regs *r);

#endif
