/* SPDX-License-Identifier: MIT */
/*
 * Foundation suites, boot side: boot info, page allocator, heap, and CPU
 * exceptions caught and reported.
 */
#include <string.h>

#include "arch.h"
#include "guest/boot.h"
#include "guest/lib/cmdline.h"
#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/percpu.h"
#include "guest/sched/stack.h"
#include "guest/test.h"

extern struct boot_info *boot;

/* The image lies inside one RAM range of the memory map. */
static bool kernel_in_ram(void)
{
	for (unsigned i = 0; i < boot->nr_mem; i++) {
		const struct boot_mem_range *r = &boot->mem[i];

		if (r->type == BOOT_MEM_RAM && boot->kernel_start >= r->base &&
		    boot->kernel_end <= r->base + r->size)
			return true;
	}
	return false;
}

static void suite_boot(void)
{
	uint64_t ram = 0;

	for (unsigned i = 0; i < boot->nr_mem; i++)
		if (boot->mem[i].type == BOOT_MEM_RAM)
			ram += boot->mem[i].size;
	report(boot->nr_mem > 0 && ram >= (16ull << 20), "boot.memmap",
	       "%u entries, %lu MiB RAM: the suites want at least 16 MiB",
	       boot->nr_mem, ram >> 20);
	report(cmdline_get(&boot_cmdline, "test") != NULL, "boot.cmdline",
	       "test= not found in \"%s\"", boot->cmdline);
	report(boot->rsdp_pa != 0 || boot->dtb_pa != 0, "boot.firmware_tables",
	       "neither an RSDP nor a device tree in the boot info");
	report(boot->nr_cpus == cpu_count() && cpu_count() >= 1,
	       "boot.cpus", "%s lists %u vCPUs, kernel has %u",
	       boot->cpus_source ? boot->cpus_source : "no table",
	       boot->nr_cpus, cpu_count());
	report(kernel_in_ram() && IS_ALIGNED(boot->kernel_start, PAGE_SIZE) &&
		       boot->kernel_end > boot->kernel_start,
	       "boot.kernel_range", "kernel at %lx-%lx, not inside RAM",
	       boot->kernel_start, boot->kernel_end);
	report_info("boot.info", "%u memory ranges, %lu MiB RAM, %u vCPUs",
		    boot->nr_mem, ram >> 20, cpu_count());
}
SUITE("boot", suite_boot);

static void suite_pages(void)
{
	struct page_stats before, after;
	uint64_t p[PAGE_MAX_ORDER + 1];
	unsigned failed = 0, first_failed = 0;
	bool aligned = true, distinct = true;

	page_get_stats(&before);
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		p[o] = page_alloc(o);
		if (!p[o] && !failed++)
			first_failed = o;
		aligned &= !p[o] || IS_ALIGNED(p[o], PAGE_SIZE << o);
		for (unsigned j = 0; p[o] && j < o; j++)
			distinct &= !p[j] || p[j] + (PAGE_SIZE << j) <= p[o] ||
				    p[o] + (PAGE_SIZE << o) <= p[j];
	}
	/* Overlap and alignment are only proven over allocations that were
	 * made: with RAM too short for one of each order, say so and fail. */
	report(!failed, "pages.alloc_each_order", "%u of %u orders could not be "
	       "allocated (first: order %u, %lu KiB; %lu KiB free before)", failed,
	       PAGE_MAX_ORDER + 1, first_failed, (PAGE_SIZE << first_failed) / 1024,
	       (unsigned long)before.free_pages * (PAGE_SIZE / 1024));
	report(aligned, "pages.alloc_aligned", "an allocation is misaligned");
	if (failed)
		report(false, "pages.no_overlap", "not proven: %u allocations "
		       "failed (see pages.alloc_each_order)", failed);
	else
		report(distinct, "pages.no_overlap", "two live allocations overlap");
	/* Write the first and last byte of each: they are real memory. */
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++) {
		if (!p[o])
			continue;
		*(volatile uint8_t *)(uintptr_t)p[o] = (uint8_t)o;
		*(volatile uint8_t *)(uintptr_t)(p[o] + (PAGE_SIZE << o) - 1) = (uint8_t)o;
	}
	for (unsigned o = 0; o <= PAGE_MAX_ORDER; o++)
		if (p[o])
			page_free(p[o], o);
	page_get_stats(&after);
	report(after.free_pages == before.free_pages, "pages.free_restores",
	       "free pages %lu before, %lu after", (unsigned long)before.free_pages,
	       (unsigned long)after.free_pages);
	report(page_alloc(PAGE_MAX_ORDER + 1) == 0, "pages.bad_order",
	       "an order above the maximum was granted");
}
SUITE("pages", suite_pages);

static void suite_heap(void)
{
	static const size_t sizes[] = {1, 16, 24, 100, 512, 2048, 4000, 70000};
	void *p[ARRAY_SIZE(sizes)];
	unsigned failed = 0;
	bool ok = true;

	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		p[i] = kmalloc(sizes[i]);
		failed += !p[i];
		ok &= !p[i] || IS_ALIGNED((uintptr_t)p[i], 16);
		if (p[i])
			memset(p[i], 0x40 + i, sizes[i]);
	}
	report(ok && !failed, "heap.alloc", "%u of %u allocations failed%s",
	       failed, (unsigned)ARRAY_SIZE(sizes), ok ? "" : ", one is misaligned");
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
		const uint8_t *b = p[i];

		for (size_t j = 0; b && j < sizes[i]; j++)
			ok &= b[j] == 0x40 + i;
	}
	if (failed) /* nothing to overwrite where nothing was allocated */
		report(false, "heap.no_overlap", "not proven: %u allocations "
		       "failed (see heap.alloc)", failed);
	else
		report(ok, "heap.no_overlap", "contents of one allocation were overwritten");
	for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
		kfree(p[i]);
	report(kcalloc(SIZE_MAX / 2, 4) == NULL, "heap.calloc_overflow",
	       "kcalloc did not detect overflow");
}
SUITE("heap", suite_heap);

static volatile int sink;

static void suite_exceptions(void)
{
	uintptr_t unmapped = stack_never_mapped();
	unsigned long f = arch_irq_save();
	int v;

	if (!(v = arch_fault_try())) {
		__builtin_trap();
	}
	arch_fault_end();
	report(v != 0, "exceptions.trap_caught", "no exception from a trap instruction");
	if (!(v = arch_fault_try()))
		sink = *(volatile int *)unmapped;
	arch_fault_end();
	arch_irq_restore(f);
	report(v != 0, "exceptions.page_fault_caught",
	       "reading unmapped %lx did not fault", unmapped);
	report_info("exceptions.vectors", "trap and page fault reported vector %d", v - 1);
}
SUITE("exceptions", suite_exceptions);
