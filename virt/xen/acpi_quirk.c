/* SPDX-License-Identifier: MIT */
/*
 * A Xen 4.17 PVH dom0 quirk: when the firmware offers only an ACPI 1.0
 * RSDP (QEMU's SeaBIOS does), Xen crafts the dom0 XSDT with its header
 * copied from physical address 0 (the real-mode IVT) because the native
 * RSDP has no XSDT address. Its entries, length and checksum are right;
 * only the signature is garbage, which a strict parser rightly refuses.
 * Repair the signature (keeping the checksum valid) before the MADT is read.
 */
#include <string.h>

#include "guest/boot.h"
#include "guest/lib/acpi.h"
#include "guest/lib/printf.h"
#include "virt/xen/xen.h"

static uint8_t sum_bytes(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

void xen_acpi_fix_xsdt(const struct boot_info *bi)
{
	const struct acpi_rsdp *r = (const void *)(uintptr_t)bi->rsdp_pa;
	struct acpi_header *x;
	uint8_t before;

	if (!xen_is_dom0 || !r || memcmp(r->signature, "RSD PTR ", 8) ||
	    r->revision < 2 || !r->xsdt_address)
		return;
	x = (struct acpi_header *)(uintptr_t)r->xsdt_address;
	if (!memcmp(x->signature, "XSDT", 4) || x->length < sizeof(*x) ||
	    x->length > ACPI_MAX_TABLE_LEN || sum_bytes(x, x->length))
		return; /* fine already, or not the damage we know */
	before = sum_bytes(x->signature, 4);
	memcpy(x->signature, "XSDT", 4);
	x->checksum += before - sum_bytes(x->signature, 4);
	kprintf("vsched: xen: repaired the dom0 XSDT signature (Xen 4.17"
		" copies its header from address 0 when the firmware has only"
		" an RSDT)\n");
}
