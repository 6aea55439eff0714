/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's ACPI tables (hv/acpi.c), parsed here by raw ACPI spec
 * offsets: RSDP/RSDT/XSDT/MADT checksums, pointers and the MADT's CPUs.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "hv/acpi.h"

#define GPA 0xe0000ull
#define BUF_LEN 0x20000

static uint8_t buf[BUF_LEN];

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Pointer to the table at guest physical address pa, bounds-checked. */
static const uint8_t *at(uint64_t pa, size_t len)
{
	cr_assert(pa >= GPA && pa - GPA + len <= BUF_LEN, "0x%lx out of range",
		  (unsigned long)pa);
	return buf + (pa - GPA);
}

/* Check a system description table's header and return it. */
static const uint8_t *sdt(uint64_t pa, const char *sig)
{
	const uint8_t *t = at(pa, 36);
	uint32_t len = rd32(t + 4);

	cr_assert(memcmp(t, sig, 4) == 0, "signature %.4s, want %s", t, sig);
	cr_assert_geq(len, 36);
	at(pa, len);
	cr_assert_eq(hv_acpi_sum(t, len), 0, "%s checksum", sig);
	return t;
}

static const uint8_t *build_and_find_madt(unsigned int ncpus, long *used)
{
	const uint8_t *rsdp = buf;
	const uint8_t *xsdt, *rsdt;

	*used = hv_acpi_build(buf, BUF_LEN, GPA, ncpus);
	cr_assert_gt(*used, 0);
	cr_assert(memcmp(rsdp, "RSD PTR ", 8) == 0);
	cr_assert_eq(hv_acpi_sum(rsdp, 20), 0, "RSDP checksum");
	cr_assert_eq(rsdp[15], 2, "RSDP revision");
	cr_assert_eq(rd32(rsdp + 20), 36, "RSDP length");
	cr_assert_eq(hv_acpi_sum(rsdp, 36), 0, "RSDP extended checksum");
	xsdt = sdt(rd64(rsdp + 24), "XSDT");
	cr_assert_eq(rd32(xsdt + 4), 36 + 8, "XSDT has one entry");
	rsdt = sdt(rd32(rsdp + 16), "RSDT");
	cr_assert_eq(rd32(rsdt + 4), 36 + 4, "RSDT has one entry");
	cr_assert_eq(rd32(rsdt + 36), rd64(xsdt + 36), "RSDT and XSDT agree");
	return sdt(rd64(xsdt + 36), "APIC");
}

static void check_madt(unsigned int ncpus)
{
	long used;
	const uint8_t *m = build_and_find_madt(ncpus, &used);
	uint32_t len = rd32(m + 4), off;
	unsigned int nlapic = 0, nioapic = 0;

	cr_assert_eq(rd32(m + 36), 0xfee00000u, "LAPIC address");
	cr_assert_eq(rd32(m + 40), 1u, "flags PCAT_COMPAT");
	cr_assert_leq((uint64_t)(m - buf) + len, (uint64_t)used);
	for (off = 44; off < len; off += m[off + 1]) {
		cr_assert_geq(m[off + 1], 2, "entry length");
		if (m[off] == 0) {
			cr_assert_eq(m[off + 1], 8);
			cr_assert_eq(m[off + 2], nlapic, "processor id");
			cr_assert_eq(m[off + 3], nlapic, "APIC id");
			cr_assert_eq(rd32(m + off + 4), 1u, "enabled");
			nlapic++;
		} else if (m[off] == 1) {
			cr_assert_eq(m[off + 1], 12);
			cr_assert_eq(m[off + 2], ncpus, "IO APIC id");
			cr_assert_eq(rd32(m + off + 4), 0xfec00000u);
			cr_assert_eq(rd32(m + off + 8), 0u, "GSI base");
			nioapic++;
		}
	}
	cr_assert_eq(off, len, "entries fill the table exactly");
	cr_assert_eq(nlapic, ncpus);
	cr_assert_eq(nioapic, 1);
}

Test(hv_acpi, madt_lists_one_cpu)
{
	check_madt(1);
}

Test(hv_acpi, madt_lists_four_cpus)
{
	check_madt(4);
}

Test(hv_acpi, madt_lists_254_cpus)
{
	check_madt(254);
}

Test(hv_acpi, tables_fit_below_1mib)
{
	long used = hv_acpi_build(buf, BUF_LEN, GPA, 254);

	cr_assert_gt(used, 0);
	cr_assert_leq(GPA + (uint64_t)used, 0x100000ull);
}

Test(hv_acpi, bad_arguments_are_refused)
{
	cr_assert_eq(hv_acpi_build(buf, BUF_LEN, GPA, 0), -1);
	cr_assert_eq(hv_acpi_build(buf, BUF_LEN, GPA, 255), -1);
	cr_assert_eq(hv_acpi_build(buf, 100, GPA, 4), -1, "too small buffer");
	cr_assert_eq(hv_acpi_build(buf, BUF_LEN, GPA + 4, 4), -1, "unaligned");
	cr_assert_eq(hv_acpi_build(NULL, BUF_LEN, GPA, 4), -1);
}

Test(hv_acpi, exact_size_buffer_is_enough)
{
	long used = hv_acpi_build(buf, BUF_LEN, GPA, 8);

	cr_assert_gt(used, 0);
	cr_assert_eq(hv_acpi_build(buf, (size_t)used, GPA, 8), used);
	cr_assert_eq(hv_acpi_build(buf, (size_t)used - 1, GPA, 8), -1);
}
