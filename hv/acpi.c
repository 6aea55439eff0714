/* SPDX-License-Identifier: MIT */
/*
 * ACPI table builder for hv: RSDP 2.0, RSDT and XSDT (one entry each), and a
 * MADT with the local APICs of all vCPUs and one IO APIC. Layouts per ACPI 6.x.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hv/acpi.h"

#define ACPI_OEM_ID "VSCHED"
#define ACPI_OEM_TABLE "HVMADT  "
#define ACPI_CREATOR "VSHV"

struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum; /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision; /* 2: ACPI 2.0+, has the XSDT fields */
	uint32_t rsdt_addr;
	uint32_t length; /* of this structure: 36 */
	uint64_t xsdt_addr;
	uint8_t ext_checksum; /* over all 36 bytes */
	uint8_t reserved[3];
} __attribute__((packed));

struct acpi_header {
	char signature[4];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* the whole table sums to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char creator_id[4];
	uint32_t creator_revision;
} __attribute__((packed));

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr;
	uint32_t flags; /* bit 0: PCAT_COMPAT (8259s present) */
} __attribute__((packed));

struct acpi_madt_lapic {
	uint8_t type; /* 0 */
	uint8_t length; /* 8 */
	uint8_t processor_id;
	uint8_t apic_id;
	uint32_t flags; /* bit 0: enabled */
} __attribute__((packed));

struct acpi_madt_ioapic {
	uint8_t type; /* 1 */
	uint8_t length; /* 12 */
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header layout");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC layout");

#define MADT_PCAT_COMPAT 1u
#define MADT_LAPIC_ENABLED 1u

uint8_t hv_acpi_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (len--)
		s += *b++;
	return s;
}

static void fill_header(struct acpi_header *h, const char *sig, uint32_t len,
			uint8_t rev)
{
	memcpy(h->signature, sig, 4);
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, 6);
	memcpy(h->oem_table_id, ACPI_OEM_TABLE, 8);
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR, 4);
	h->creator_revision = 1;
}

/* Set the checksum byte so that the table at p sums to zero. */
static void seal(void *p, size_t len, uint8_t *csum)
{
	*csum = 0;
	*csum = (uint8_t)-hv_acpi_sum(p, len);
}

static size_t build_madt(uint8_t *p, unsigned int ncpus)
{
	struct acpi_madt madt = { .lapic_addr = HV_ACPI_LAPIC_ADDR,
				  .flags = MADT_PCAT_COMPAT };
	struct acpi_madt_ioapic io = { .type = 1,
				       .length = sizeof(io),
				       .ioapic_id = (uint8_t)ncpus,
				       .address = HV_ACPI_IOAPIC_ADDR };
	size_t off = sizeof(madt);
	unsigned int i;

	for (i = 0; i < ncpus; i++) {
		struct acpi_madt_lapic l = { .type = 0,
					     .length = sizeof(l),
					     .processor_id = (uint8_t)i,
					     .apic_id = (uint8_t)i,
					     .flags = MADT_LAPIC_ENABLED };

		memcpy(p + off, &l, sizeof(l));
		off += sizeof(l);
	}
	memcpy(p + off, &io, sizeof(io));
	off += sizeof(io);
	fill_header(&madt.h, "APIC", (uint32_t)off, 3);
	memcpy(p, &madt, sizeof(madt));
	seal(p, off, &p[offsetof(struct acpi_header, checksum)]);
	return off;
}

/* An RSDT (4-byte entries) or XSDT (8-byte entries) with one entry. */
static size_t build_sdt(uint8_t *p, const char *sig, uint64_t entry,
			size_t entry_size)
{
	struct acpi_header h = { 0 };
	size_t len = sizeof(h) + entry_size;

	fill_header(&h, sig, (uint32_t)len, 1);
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), &entry, entry_size); /* little-endian host */
	seal(p, len, &p[offsetof(struct acpi_header, checksum)]);
	return len;
}

static void build_rsdp(uint8_t *p, uint64_t rsdt, uint64_t xsdt)
{
	struct acpi_rsdp r = { .revision = 2,
			       .rsdt_addr = (uint32_t)rsdt,
			       .length = sizeof(r),
			       .xsdt_addr = xsdt };

	memcpy(r.signature, "RSD PTR ", 8);
	memcpy(r.oem_id, ACPI_OEM_ID, 6);
	seal(&r, 20, &r.checksum);
	seal(&r, sizeof(r), &r.ext_checksum);
	memcpy(p, &r, sizeof(r));
}

#define ALIGN16(x) (((x) + 15) & ~(size_t)15)

long hv_acpi_build(void *buf, size_t len, uint64_t gpa, unsigned int ncpus)
{
	size_t rsdt = ALIGN16(sizeof(struct acpi_rsdp));
	size_t xsdt = ALIGN16(rsdt + sizeof(struct acpi_header) + 4);
	size_t madt = ALIGN16(xsdt + sizeof(struct acpi_header) + 8);
	size_t end = madt + sizeof(struct acpi_madt) +
		     ncpus * sizeof(struct acpi_madt_lapic) +
		     sizeof(struct acpi_madt_ioapic);
	uint8_t *p = buf;

	if (!buf || ncpus == 0 || ncpus > 254 || (gpa & 15) ||
	    gpa + end > (1ull << 32) || end > len)
		return -1;
	memset(p, 0, end);
	build_madt(p + madt, ncpus);
	build_sdt(p + rsdt, "RSDT", gpa + madt, 4);
	build_sdt(p + xsdt, "XSDT", gpa + madt, 8);
	build_rsdp(p, gpa + rsdt, gpa + xsdt);
	return (long)end;
}
