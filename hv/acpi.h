/* SPDX-License-Identifier: MIT */
/*
 * hv's minimal ACPI tables: RSDP (revision 2) -> RSDT/XSDT -> MADT listing
 * one enabled local APIC per vCPU and one IO APIC.
 */
#ifndef HV_ACPI_H
#define HV_ACPI_H

#include <stddef.h>
#include <stdint.h>

#define HV_ACPI_LAPIC_ADDR 0xfee00000u
#define HV_ACPI_IOAPIC_ADDR 0xfec00000u

/*
 * Build the tables into buf[0, len), which the guest sees at physical
 * address gpa (16-byte aligned). The RSDP is at buf[0]. Returns the number
 * of bytes used, or -1 if they do not fit or the arguments are invalid
 * (ncpus must be 1..254: APIC ids are 8 bits and the IO APIC takes id ncpus).
 */
long hv_acpi_build(void *buf, size_t len, uint64_t gpa, unsigned int ncpus);

/* Sum of bytes, for checksums (a valid table sums to 0). */
uint8_t hv_acpi_sum(const void *p, size_t len);

#endif
