/* SPDX-License-Identifier: MIT */
/*
 * Host tests of the ACPI reader (guest/lib/acpi.c). Tables are built below
 * 4 GiB (RSDT entries are 32-bit), each ending right before an inaccessible
 * page, so any read past a declared length crashes the test.
 */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/mman.h>

#include "guest/lib/acpi.h"

#define MAX_MAPS 64

static struct {
	void *base;
	size_t len;
} maps[MAX_MAPS];
static int nmaps;

static void unmap_all(void)
{
	while (nmaps > 0) {
		nmaps--;
		munmap(maps[nmaps].base, maps[nmaps].len);
	}
}

TestSuite(acpi, .fini = unmap_all);

/* n zeroed bytes below 4 GiB, followed by a guard page. */
static void *take(size_t n)
{
	size_t pages = (n + 4095) / 4096, len = (pages + 1) * 4096;
	uint8_t *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	cr_assert_neq(p, MAP_FAILED);
	cr_assert_lt((uintptr_t)p + len, 1ull << 32);
	cr_assert_eq(mprotect(p + pages * 4096, 4096, PROT_NONE), 0);
	cr_assert_lt(nmaps, MAX_MAPS);
	maps[nmaps].base = p;
	maps[nmaps++].len = len;
	return p + pages * 4096 - n;
}

static uint64_t pa(const void *p)
{
	return (uintptr_t)p;
}

static uint8_t sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

static void seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-sum(h, h->length);
}

static struct acpi_header *mk_table(const char *sig, size_t len)
{
	struct acpi_header *h = take(len);

	memcpy(h->signature, sig, 4);
	h->length = (uint32_t)len;
	h->revision = 1;
	memcpy(h->oem_id, "VSCHED", 6);
	seal(h);
	return h;
}

/* MADT entries under construction. */
struct madt_b {
	uint8_t e[4096];
	size_t len;
};

static void add(struct madt_b *m, const void *ent, size_t n)
{
	memcpy(m->e + m->len, ent, n);
	m->len += n;
}

static void add_lapic(struct madt_b *m, uint8_t id, uint32_t flags)
{
	struct acpi_madt_lapic l = { { ACPI_MADT_LAPIC, 8 }, id, id, flags };

	add(m, &l, sizeof(l));
}

static void add_x2apic(struct madt_b *m, uint32_t id, uint32_t flags)
{
	struct acpi_madt_x2apic x = {
		{ ACPI_MADT_X2APIC, 16 }, 0, id, flags, id
	};

	add(m, &x, sizeof(x));
}

static void add_ioapic(struct madt_b *m, uint8_t id, uint32_t addr,
		       uint32_t gsi)
{
	struct acpi_madt_ioapic io = {
		{ ACPI_MADT_IOAPIC, 12 }, id, 0, addr, gsi
	};

	add(m, &io, sizeof(io));
}

static void add_override(struct madt_b *m, uint64_t addr)
{
	struct acpi_madt_lapic_override o = { { ACPI_MADT_LAPIC_OVERRIDE, 12 },
					      0,
					      addr };

	add(m, &o, sizeof(o));
}

static struct acpi_header *mk_madt(const struct madt_b *m)
{
	size_t len = sizeof(struct acpi_madt) + m->len;
	struct acpi_madt *t = take(len);

	memcpy(t->hdr.signature, "APIC", 4);
	t->hdr.length = (uint32_t)len;
	t->hdr.revision = 5;
	t->lapic_addr = 0xfee00000u;
	t->flags = 1;
	memcpy((uint8_t *)t + sizeof(*t), m->e, m->len);
	seal(&t->hdr);
	return &t->hdr;
}

/* RSDT (xsdt false) or XSDT listing n tables (NULL entries stay 0). */
static struct acpi_header *mk_root(bool xsdt, struct acpi_header **tabs, int n)
{
	size_t esz = xsdt ? 8 : 4, len = sizeof(struct acpi_header) + n * esz;
	struct acpi_header *h = take(len);
	int i;

	memcpy(h->signature, xsdt ? "XSDT" : "RSDT", 4);
	h->length = (uint32_t)len;
	for (i = 0; i < n; i++) {
		uint64_t a = tabs[i] ? pa(tabs[i]) : 0;

		memcpy((uint8_t *)h + sizeof(*h) + i * esz, &a, esz);
	}
	seal(h);
	return h;
}

static struct acpi_rsdp *mk_rsdp(int rev, struct acpi_header *rsdt,
				 struct acpi_header *xsdt)
{
	size_t len = rev >= 2 ? sizeof(struct acpi_rsdp) : 20;
	struct acpi_rsdp *r = take(len);

	memcpy(r->signature, "RSD PTR ", 8);
	memcpy(r->oem_id, "VSCHED", 6);
	r->revision = (uint8_t)rev;
	r->rsdt_address = (uint32_t)pa(rsdt);
	r->checksum = (uint8_t)-sum(r, 20);
	if (rev >= 2) {
		r->length = sizeof(*r);
		r->xsdt_address = pa(xsdt);
		r->ext_checksum = (uint8_t)-sum(r, sizeof(*r));
	}
	return r;
}

/* RSDP v2 -> XSDT -> {FACP, MADT(m)}. */
static uint64_t v2_with(const struct madt_b *m, struct acpi_header **madt)
{
	struct acpi_header *t[2] = { mk_table("FACP", 116), mk_madt(m) };

	if (madt)
		*madt = t[1];
	return pa(mk_rsdp(2, NULL, mk_root(true, t, 2)));
}

Test(acpi, madt_cpus_ioapic_and_flags)
{
	/* Type 4 (local APIC NMI): not used, skipped. */
	static const uint8_t nmi[6] = { 4, 6, 0xff, 5, 0, 1 };
	struct acpi_madt_info info;
	struct acpi_header *madt;
	struct madt_b m = { 0 };
	uint64_t rsdp;

	add_lapic(&m, 0, ACPI_MADT_CPU_ENABLED);
	add_lapic(&m, 1, ACPI_MADT_CPU_ENABLED);
	add_lapic(&m, 2, 0); /* disabled */
	add_lapic(&m, 3, ACPI_MADT_CPU_ONLINE_CAPABLE);
	add_ioapic(&m, 9, 0xfec00000u, 0);
	add_ioapic(&m, 10, 0xfec01000u, 24); /* not the first */
	add(&m, nmi, sizeof(nmi));
	add_x2apic(&m, 300, ACPI_MADT_CPU_ENABLED);
	add_lapic(&m, 0xff, ACPI_MADT_CPU_ENABLED); /* invalid id */
	add_x2apic(&m, 1, ACPI_MADT_CPU_ENABLED); /* duplicate */
	add_x2apic(&m, 0xffffffffu, ACPI_MADT_CPU_ENABLED); /* invalid id */
	add_x2apic(&m, 301, 0); /* disabled */
	rsdp = v2_with(&m, &madt);

	cr_assert_eq(acpi_parse_madt(rsdp, &info), 0);
	cr_assert_eq(info.madt_pa, pa(madt));
	cr_assert_eq(info.ncpus, 4);
	cr_assert_eq(info.apic_ids[0], 0);
	cr_assert_eq(info.apic_ids[1], 1);
	cr_assert_eq(info.apic_ids[2], 3);
	cr_assert_eq(info.apic_ids[3], 300);
	cr_assert_eq(info.enabled_mask, 0xb, "mask %#llx",
		     (unsigned long long)info.enabled_mask);
	cr_assert_eq(info.skipped_cpus, 5);
	cr_assert(!info.truncated);
	cr_assert_eq(info.lapic_addr, 0xfee00000u);
	cr_assert_eq(info.madt_flags, 1);
	cr_assert(info.has_ioapic);
	cr_assert_eq(info.ioapic_id, 9);
	cr_assert_eq(info.ioapic_addr, 0xfec00000u);
	cr_assert_eq(info.ioapic_gsi_base, 0);
}

Test(acpi, lapic_address_override)
{
	struct acpi_madt_info info;
	struct madt_b m = { 0 };

	add_lapic(&m, 0, ACPI_MADT_CPU_ENABLED);
	add_override(&m, 0x123456789000ull);
	add_lapic(&m, 1, ACPI_MADT_CPU_ENABLED);
	cr_assert_eq(acpi_parse_madt(v2_with(&m, NULL), &info), 0);
	cr_assert_eq(info.lapic_addr, 0x123456789000ull);
	cr_assert_eq(info.ncpus, 2);
	cr_assert(!info.has_ioapic);
}

Test(acpi, rsdp_v1_uses_rsdt)
{
	struct acpi_madt_info info;
	struct acpi_header *t[3];
	struct madt_b m = { 0 };
	struct acpi_rsdp *r;

	add_lapic(&m, 4, ACPI_MADT_CPU_ENABLED);
	add_lapic(&m, 6, ACPI_MADT_CPU_ENABLED);
	t[0] = mk_table("FACP", 116);
	t[1] = NULL; /* a zero entry is skipped */
	t[2] = mk_madt(&m);
	/* Only 20 bytes are mapped: revision 0 must not read further. */
	r = mk_rsdp(0, mk_root(false, t, 3), NULL);
	cr_assert_eq(acpi_parse_madt(pa(r), &info), 0);
	cr_assert_eq(info.ncpus, 2);
	cr_assert_eq(info.apic_ids[0], 4);
	cr_assert_eq(info.apic_ids[1], 6);
	cr_assert_eq(info.madt_pa, pa(t[2]));
}

Test(acpi, v2_prefers_xsdt_and_falls_back_to_rsdt)
{
	struct madt_b one = { 0 }, two = { 0 };
	struct acpi_header *a, *b, *rsdt, *xsdt;
	struct acpi_madt_info info;

	add_lapic(&one, 1, ACPI_MADT_CPU_ENABLED);
	add_lapic(&two, 2, ACPI_MADT_CPU_ENABLED);
	add_lapic(&two, 3, ACPI_MADT_CPU_ENABLED);
	a = mk_madt(&one);
	b = mk_madt(&two);
	rsdt = mk_root(false, &a, 1);
	xsdt = mk_root(true, &b, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, rsdt, xsdt)), &info), 0);
	cr_assert_eq(info.ncpus, 2, "the XSDT's MADT is used");
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, rsdt, NULL)), &info), 0);
	cr_assert_eq(info.ncpus, 1, "no XSDT address: the RSDT is used");
	cr_assert_eq(info.apic_ids[0], 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(0, rsdt, NULL)), &info), 0);
	cr_assert_eq(info.ncpus, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, NULL)), &info),
		     -ENOENT);
}

Test(acpi, rsdp_errors)
{
	struct madt_b m = { 0 };
	struct acpi_madt_info info;
	struct acpi_rsdp *r;
	struct acpi_header *madt, *xsdt;

	add_lapic(&m, 0, ACPI_MADT_CPU_ENABLED);
	madt = mk_madt(&m);
	xsdt = mk_root(true, &madt, 1);

	cr_assert_eq(acpi_parse_madt(0, &info), -ENOENT);
	r = mk_rsdp(2, NULL, xsdt);
	r->signature[0] = 'X';
	cr_assert_eq(acpi_parse_madt(pa(r), &info), -ENOENT);

	r = mk_rsdp(2, NULL, xsdt);
	r->checksum++;
	r->ext_checksum--; /* extended sum still fine: only the v1 one fails */
	cr_assert_eq(acpi_parse_madt(pa(r), &info), -EINVAL);

	r = mk_rsdp(2, NULL, xsdt);
	r->ext_checksum++;
	cr_assert_eq(acpi_parse_madt(pa(r), &info), -EINVAL);

	r = mk_rsdp(2, NULL, xsdt);
	r->length = 20; /* shorter than a v2 RSDP */
	r->ext_checksum += 16;
	cr_assert_eq(acpi_parse_madt(pa(r), &info), -EINVAL);

	r = mk_rsdp(2, NULL, xsdt);
	r->length = 1u << 24; /* absurd: refused before anything is summed */
	cr_assert_eq(acpi_parse_madt(pa(r), &info), -EINVAL);

	/* The same tables with intact checksums parse. */
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info), 0);
	cr_assert_eq(info.ncpus, 1);
}

Test(acpi, table_checksums_and_lengths)
{
	struct acpi_header *madt, *xsdt, *bad;
	struct acpi_madt_info info;
	struct madt_b m = { 0 };

	add_lapic(&m, 0, ACPI_MADT_CPU_ENABLED);
	madt = mk_madt(&m);
	xsdt = mk_root(true, &madt, 1);
	xsdt->oem_revision++; /* checksum now wrong */
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);

	madt = mk_madt(&m);
	((struct acpi_madt *)madt)->lapic_addr ^= 0x1000;
	xsdt = mk_root(true, &madt, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);
	cr_assert_eq(info.ncpus, 0);

	/* Lengths that do not fit the mapping are refused unread. */
	madt = mk_madt(&m);
	madt->length = 1u << 24;
	xsdt = mk_root(true, &madt, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);
	madt = mk_madt(&m);
	xsdt = mk_root(true, &madt, 1);
	xsdt->length = 20;
	seal(xsdt);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);

	/* An XSDT whose entries do not fill it exactly. */
	bad = take(sizeof(struct acpi_header) + 12);
	memcpy(bad->signature, "XSDT", 4);
	bad->length = sizeof(struct acpi_header) + 12;
	memcpy((uint8_t *)bad + sizeof(*bad), &(uint64_t){ pa(madt) }, 8);
	seal(bad);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, bad)), &info),
		     -EINVAL);

	/* The root table must be what the RSDP says it is. */
	xsdt = mk_root(false, &madt, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);

	/* A MADT shorter than its fixed part. */
	bad = mk_table("APIC", 40);
	xsdt = mk_root(true, &bad, 1);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, xsdt)), &info),
		     -EINVAL);
}

Test(acpi, no_madt)
{
	struct acpi_header *t[2] = { mk_table("FACP", 116),
				     mk_table("HPET", 56) };
	struct acpi_madt_info info;
	uint64_t p;

	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, mk_root(true, t, 2))),
				     &info),
		     -ENOENT);
	cr_assert_eq(acpi_parse_madt(pa(mk_rsdp(2, NULL, mk_root(true, t, 0))),
				     &info),
		     -ENOENT);
	cr_assert_eq(acpi_find_table(pa(mk_rsdp(0, mk_root(false, t, 2), NULL)),
				     "HPET", &p),
		     0);
	cr_assert_eq(p, pa(t[1]));
}

/* A MADT holding exactly these raw entry bytes must be refused. */
static void expect_malformed(const void *ent, size_t n, const char *what)
{
	struct acpi_madt_info info;
	struct madt_b m = { 0 };

	add_lapic(&m, 7, ACPI_MADT_CPU_ENABLED);
	add(&m, ent, n);
	memset(&info, 0xaa, sizeof(info));
	cr_assert_eq(acpi_parse_madt(v2_with(&m, NULL), &info), -EINVAL, "%s",
		     what);
	cr_assert_eq(info.ncpus, 0, "%s: no partial result", what);
	cr_assert(!info.has_ioapic, "%s", what);
}

Test(acpi, malformed_entries)
{
	static const uint8_t len0[] = { 0, 0, 0, 1, 1, 0, 0, 0 };
	static const uint8_t len1[] = { 0, 1 };
	static const uint8_t overrun[] = { 0, 8, 1, 1, 1, 0 };
	static const uint8_t overrun_big[] = { 9, 255, 0, 0 };
	static const uint8_t one_byte[] = { 0 };
	static const uint8_t short_lapic[] = { 0, 6, 1, 1, 1, 0 };
	static const uint8_t short_ioapic[] = { 1, 8, 1, 0, 0, 0, 0xc0, 0xfe };
	static const uint8_t short_x2apic[] = { 9, 12, 0, 0, 1, 0,
						0, 0,  1, 0, 0, 0 };
	static const uint8_t short_ovr[] = { 5, 8, 0, 0, 0, 0, 0xe0, 0xfe };

	expect_malformed(len0, sizeof(len0), "length 0");
	expect_malformed(len1, sizeof(len1), "length 1");
	expect_malformed(overrun, sizeof(overrun), "entry overruns table");
	expect_malformed(overrun_big, sizeof(overrun_big), "long overrun");
	expect_malformed(one_byte, sizeof(one_byte), "half an entry header");
	expect_malformed(short_lapic, sizeof(short_lapic), "short type 0");
	expect_malformed(short_ioapic, sizeof(short_ioapic), "short type 1");
	expect_malformed(short_x2apic, sizeof(short_x2apic), "short type 9");
	expect_malformed(short_ovr, sizeof(short_ovr), "short type 5");
}

Test(acpi, longer_entries_are_accepted)
{
	/* Newer revisions may grow entries: read the known prefix only. */
	static const uint8_t lapic10[10] = { 0, 10, 0, 5, 1, 0, 0, 0, 0xee };
	struct acpi_madt_info info;
	struct madt_b m = { 0 };

	add(&m, lapic10, sizeof(lapic10));
	add_lapic(&m, 6, ACPI_MADT_CPU_ENABLED);
	cr_assert_eq(acpi_parse_madt(v2_with(&m, NULL), &info), 0);
	cr_assert_eq(info.ncpus, 2);
	cr_assert_eq(info.apic_ids[0], 5);
	cr_assert_eq(info.apic_ids[1], 6);
}

Test(acpi, more_cpus_than_max)
{
	struct acpi_madt_info info;
	struct madt_b m = { 0 };
	unsigned i;

	for (i = 0; i < MAX_CPUS + 6; i++)
		add_lapic(&m, (uint8_t)(i + 1), ACPI_MADT_CPU_ENABLED);
	cr_assert_eq(acpi_parse_madt(v2_with(&m, NULL), &info), 0);
	cr_assert_eq(info.ncpus, MAX_CPUS);
	cr_assert(info.truncated);
	cr_assert_eq(info.apic_ids[0], 1);
	cr_assert_eq(info.apic_ids[MAX_CPUS - 1], MAX_CPUS);
	cr_assert_eq(info.enabled_mask, UINT64_MAX);
}
