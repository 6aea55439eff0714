/* SPDX-License-Identifier: MIT */
/* Local APIC (x2APIC, or xAPIC MMIO as fallback): IPIs, EOI, timer LVT. */
#ifndef ARCH_X86_64_APIC_H
#define ARCH_X86_64_APIC_H

#include "types.h"
#include "guest/ledger.h"

#define APIC_ID 0x20
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ISR 0x100 /* 8 registers 0x10 apart: vectors 32 i .. 32 i + 31 */
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0

#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_LEVEL_ASSERT 0x4000
#define APIC_DEST_ALLBUT 0xc0000

void apic_init_bsp(bool allow_x2apic);  /* choose mode */
void apic_init_cpu(void);               /* enable this CPU's LAPIC */
bool apic_is_x2apic(void);
uint32_t apic_read(unsigned reg);
/* apic_write counting the access as kind k (enum ledger_kind): timer,
 * IPI, EOI; plain apic_read/apic_write count MSR (x2APIC) or MMIO. */
void apic_write_as(enum ledger_kind k, unsigned reg, uint32_t v);
void apic_write(unsigned reg, uint32_t v);
uint32_t apic_id(void);
/* icr_lo: vector | delivery mode; dest: APIC id. */
void apic_send(uint32_t dest, uint32_t icr_lo);
void apic_send_others(uint32_t icr_lo);
void apic_eoi(void);
unsigned apic_end_in_service(void);
/* Paravirtual EOI (KVM): if *word has bit 0 set when an EOI is due, the
 * hypervisor needs no EOI write; set per CPU by virt/kvm. */
void apic_set_pv_eoi(volatile uint32_t *word);

#endif
