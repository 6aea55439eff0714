/* SPDX-License-Identifier: MIT */
/*
 * ACPI table discovery (RSDP -> RSDT/XSDT -> table) and the MADT reader.
 * Every table is checksummed and never read past its declared length.
 */
#include <string.h>

#include "guest/lib/acpi.h"

_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP layout");
_Static_assert(offsetof(struct acpi_rsdp, rsdt_address) == 16, "RSDP");
_Static_assert(offsetof(struct acpi_rsdp, length) == 20, "RSDP v2 part");
_Static_assert(offsetof(struct acpi_rsdp, xsdt_address) == 24, "RSDP");
_Static_assert(offsetof(struct acpi_rsdp, ext_checksum) == 32, "RSDP");
_Static_assert(sizeof(struct acpi_header) == 36, "SDT header layout");
_Static_assert(offsetof(struct acpi_header, checksum) == 9, "SDT header");
_Static_assert(offsetof(struct acpi_header, oem_revision) == 24, "SDT");
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout");
_Static_assert(offsetof(struct acpi_madt, lapic_addr) == 36, "MADT");
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT type 0");
_Static_assert(offsetof(struct acpi_madt_lapic, flags) == 4, "MADT type 0");
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT type 1");
_Static_assert(offsetof(struct acpi_madt_ioapic, address) == 4, "type 1");
_Static_assert(offsetof(struct acpi_madt_ioapic, gsi_base) == 8, "type 1");
_Static_assert(sizeof(struct acpi_madt_lapic_override) == 12, "MADT type 5");
_Static_assert(offsetof(struct acpi_madt_lapic_override, address) == 4,
	       "MADT type 5");
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT type 9");
_Static_assert(offsetof(struct acpi_madt_x2apic, x2apic_id) == 4, "type 9");
_Static_assert(offsetof(struct acpi_madt_x2apic, flags) == 8, "type 9");

#define RSDP_V1_LEN 20

static const void *phys(uint64_t pa)
{
	return (const void *)(uintptr_t)pa;
}

static bool sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

/* Little-endian read of n bytes from a possibly unaligned address. */
static uint64_t read_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Validate an RSDP already known to carry the signature. */
static int rsdp_check(const struct acpi_rsdp *r)
{
	if (!sum_ok(r, RSDP_V1_LEN))
		return -EINVAL;
	if (r->revision < 2)
		return 0;
	if (r->length < sizeof(*r) || r->length > ACPI_MAX_TABLE_LEN)
		return -EINVAL;
	return sum_ok(r, r->length) ? 0 : -EINVAL;
}

int acpi_rsdp_root(uint64_t rsdp_pa, uint64_t *root_pa, unsigned *entry_size)
{
	const struct acpi_rsdp *r = phys(rsdp_pa);
	int ret;

	if (!rsdp_pa || memcmp(r->signature, "RSD PTR ", 8))
		return -ENOENT;
	ret = rsdp_check(r);
	if (ret)
		return ret;
	if (r->revision >= 2 && r->xsdt_address) {
		*root_pa = r->xsdt_address;
		*entry_size = 8;
		return 0;
	}
	if (!r->rsdt_address)
		return -ENOENT;
	*root_pa = r->rsdt_address;
	*entry_size = 4;
	return 0;
}

/* Validate the header length and checksum of the table at pa. */
static int table_check(uint64_t pa)
{
	const struct acpi_header *h = phys(pa);
	uint32_t len = h->length;

	if (len < sizeof(*h) || len > ACPI_MAX_TABLE_LEN)
		return -EINVAL;
	return sum_ok(h, len) ? 0 : -EINVAL;
}

int acpi_find_table(uint64_t rsdp_pa, const char *sig, uint64_t *pa)
{
	const struct acpi_header *root;
	uint64_t root_pa, e;
	unsigned esz;
	size_t off;
	int ret;

	ret = acpi_rsdp_root(rsdp_pa, &root_pa, &esz);
	if (ret)
		return ret;
	if (!root_pa)
		return -ENOENT;
	ret = table_check(root_pa);
	if (ret)
		return ret;
	root = phys(root_pa);
	if (memcmp(root->signature, esz == 8 ? "XSDT" : "RSDT", 4) ||
	    (root->length - sizeof(*root)) % esz)
		return -EINVAL;
	for (off = sizeof(*root); off < root->length; off += esz) {
		e = read_le((const uint8_t *)root + off, esz);
		if (!e ||
		    memcmp(((const struct acpi_header *)phys(e))->signature,
			   sig, 4))
			continue;
		ret = table_check(e);
		if (!ret)
			*pa = e;
		return ret;
	}
	return -ENOENT;
}

static void madt_add_cpu(struct acpi_madt_info *out, uint32_t id,
			 uint32_t flags, bool id_valid)
{
	unsigned i;

	if (!id_valid ||
	    !(flags & (ACPI_MADT_CPU_ENABLED | ACPI_MADT_CPU_ONLINE_CAPABLE))) {
		out->skipped_cpus++;
		return;
	}
	for (i = 0; i < out->ncpus; i++) {
		if (out->apic_ids[i] == id) {
			out->skipped_cpus++;
			return;
		}
	}
	if (out->ncpus == MAX_CPUS) {
		out->truncated = true;
		return;
	}
	if (flags & ACPI_MADT_CPU_ENABLED)
		out->enabled_mask |= 1ull << out->ncpus;
	out->apic_ids[out->ncpus++] = id;
}

/* One MADT entry of len bytes (len >= 2, within the table). */
static int madt_entry(struct acpi_madt_info *out, const void *p, unsigned len)
{
	const struct acpi_madt_entry *e = p;
	const struct acpi_madt_lapic *l = p;
	const struct acpi_madt_x2apic *x = p;
	const struct acpi_madt_ioapic *io = p;
	const struct acpi_madt_lapic_override *ov = p;

	switch (e->type) {
	case ACPI_MADT_LAPIC:
		if (len < sizeof(*l))
			return -EINVAL;
		madt_add_cpu(out, l->apic_id, l->flags, l->apic_id != 0xff);
		break;
	case ACPI_MADT_X2APIC:
		if (len < sizeof(*x))
			return -EINVAL;
		madt_add_cpu(out, x->x2apic_id, x->flags,
			     x->x2apic_id != 0xffffffffu);
		break;
	case ACPI_MADT_IOAPIC:
		if (len < sizeof(*io))
			return -EINVAL;
		if (!out->has_ioapic) {
			out->has_ioapic = true;
			out->ioapic_id = io->ioapic_id;
			out->ioapic_addr = io->address;
			out->ioapic_gsi_base = io->gsi_base;
		}
		break;
	case ACPI_MADT_LAPIC_OVERRIDE:
		if (len < sizeof(*ov))
			return -EINVAL;
		out->lapic_addr = ov->address;
		break;
	default: /* other entry types are not needed */
		break;
	}
	return 0;
}

static int madt_walk(struct acpi_madt_info *out, const uint8_t *p, uint32_t len)
{
	uint32_t off = sizeof(struct acpi_madt);
	unsigned elen;
	int ret;

	while (off < len) {
		if (len - off < sizeof(struct acpi_madt_entry))
			return -EINVAL;
		elen = p[off + 1];
		if (elen < sizeof(struct acpi_madt_entry) || elen > len - off)
			return -EINVAL;
		ret = madt_entry(out, p + off, elen);
		if (ret)
			return ret;
		off += elen;
	}
	return 0;
}

int acpi_parse_madt(uint64_t rsdp_pa, struct acpi_madt_info *out)
{
	const struct acpi_madt *m;
	uint64_t pa;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = acpi_find_table(rsdp_pa, "APIC", &pa);
	if (ret)
		return ret;
	m = phys(pa);
	if (m->hdr.length < sizeof(*m))
		return -EINVAL;
	out->madt_pa = pa;
	out->lapic_addr = m->lapic_addr;
	out->madt_flags = m->flags;
	ret = madt_walk(out, phys(pa), m->hdr.length);
	if (ret)
		memset(out, 0, sizeof(*out));
	return ret;
}
