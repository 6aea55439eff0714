/* SPDX-License-Identifier: MIT */
/*
 * Minimal ACPI: find and validate the RSDP, the RSDT/XSDT and a table by
 * signature, and read the MADT (CPUs, local APIC and first IO APIC).
 */
#ifndef GUEST_LIB_ACPI_H
#define GUEST_LIB_ACPI_H

#include "types.h"

/* Tables are read at their physical address (identity mapped). Anything
 * longer than this is treated as corrupt. */
#define ACPI_MAX_TABLE_LEN (1u << 20)

/* Root System Description Pointer (ACPI 6.5, 5.2.5.3). */
struct acpi_rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum; /* bytes [0, 20) sum to 0 */
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (20 bytes), >= 2: 36 bytes */
	uint32_t rsdt_address; /* physical address of the RSDT */
	uint32_t length; /* revision >= 2: whole structure */
	uint64_t xsdt_address; /* revision >= 2: physical address of the XSDT */
	uint8_t ext_checksum; /* revision >= 2: bytes [0, length) sum to 0 */
	uint8_t reserved[3];
} __packed;

/* Header common to every system description table (5.2.6). */
struct acpi_header {
	char signature[4];
	uint32_t length; /* whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* bytes [0, length) sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

/* Multiple APIC Description Table (5.2.12), followed by its entries. */
struct acpi_madt {
	struct acpi_header hdr; /* signature "APIC" */
	uint32_t lapic_addr; /* 32-bit local APIC base */
	uint32_t flags; /* bit 0: PC-AT compatible dual 8259s */
} __packed;

struct acpi_madt_entry {
	uint8_t type; /* ACPI_MADT_* */
	uint8_t length; /* whole entry */
} __packed;

#define ACPI_MADT_LAPIC 0
#define ACPI_MADT_IOAPIC 1
#define ACPI_MADT_LAPIC_OVERRIDE 5
#define ACPI_MADT_X2APIC 9

#define ACPI_MADT_CPU_ENABLED 0x1u /* usable now */
#define ACPI_MADT_CPU_ONLINE_CAPABLE 0x2u /* may be enabled at run time */

struct acpi_madt_lapic {
	struct acpi_madt_entry e;
	uint8_t processor_uid;
	uint8_t apic_id;
	uint32_t flags; /* ACPI_MADT_CPU_* */
} __packed;

struct acpi_madt_ioapic {
	struct acpi_madt_entry e;
	uint8_t ioapic_id;
	uint8_t reserved;
	uint32_t address;
	uint32_t gsi_base;
} __packed;

struct acpi_madt_lapic_override {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t address; /* 64-bit local APIC base */
} __packed;

struct acpi_madt_x2apic {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags; /* ACPI_MADT_CPU_* */
	uint32_t processor_uid;
} __packed;

/* What acpi_parse_madt() found. */
struct acpi_madt_info {
	uint64_t madt_pa; /* where the MADT is */
	uint64_t lapic_addr; /* local APIC base (type 5 overrides) */
	uint32_t madt_flags; /* MADT flags */
	unsigned ncpus; /* entries used in apic_ids[] */
	/* (x2)APIC ids of the usable CPUs, in table order */
	uint32_t apic_ids[MAX_CPUS];
	/* bit i set: apic_ids[i] is enabled, not only online-capable */
	uint64_t enabled_mask;
	bool truncated; /* more than MAX_CPUS usable CPUs listed */
	unsigned skipped_cpus; /* disabled, invalid-id or duplicate entries */
	bool has_ioapic; /* a type 1 entry was found; the first: */
	uint8_t ioapic_id;
	uint32_t ioapic_addr;
	uint32_t ioapic_gsi_base;
};

/*
 * Validate the RSDP at rsdp_pa and return (in *root_pa, *entry_size) the
 * root table to use: the XSDT (8-byte entries) when revision >= 2 and its
 * address is set, else the RSDT (4-byte entries). 0, -ENOENT or -EINVAL.
 */
int acpi_rsdp_root(uint64_t rsdp_pa, uint64_t *root_pa, unsigned *entry_size);

/*
 * Find the first table with signature sig (4 chars) listed by the root
 * table and validate its length and checksum. Returns 0 with *pa set,
 * -ENOENT (no RSDP or no such table) or -EINVAL (bad checksum or lengths).
 */
int acpi_find_table(uint64_t rsdp_pa, const char *sig, uint64_t *pa);

/*
 * Find the MADT and fill *out. Returns 0, -ENOENT (no RSDP signature or no
 * MADT) or -EINVAL (bad checksum, malformed lengths or entries). Never
 * reads past a table's declared length. Boot CPU, or any context.
 */
int acpi_parse_madt(uint64_t rsdp_pa, struct acpi_madt_info *out);

#endif
