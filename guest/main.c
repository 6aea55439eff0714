/* SPDX-License-Identifier: MIT */
/*
 * Portable boot sequence: console, command line, memory, ACPI or DT, hypervisor
 * backend, timers, secondary vCPUs, scheduler, then the selected job.
 */
#include <string.h>

#include "arch.h"
#include "virt.h"
#include "guest/bench/bench.h"
#include "guest/boot.h"
#include "guest/inject.h"
#include "guest/kernel.h"
#include "guest/lib/acpi.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "guest/test.h"

const struct virt_ops *virt_select(void);

struct boot_info *boot;               /* what the loader told us */
struct acpi_madt_info boot_madt;      /* vCPUs found in the MADT */

/* Every command-line key the kernel understands. */
static const char *const known_keys[] = {
	"test", "bench", "demo", "threads", "quiet", "virt", "nopv",
	"kvmclock", "pveoi", "pvipi", "nox2apic", "notscdeadline", "slice_us",
	"idle", "poll_us", "seed", "stress_ms", "quick", "bench_pct", "xen_upcall", "inject",
	"strict_timing", NULL,
};

__noreturn void kernel_shutdown(int code)
{
	kprintf("vsched: exit code %d\n", code);
	if (virt)
		virt->shutdown(code);
	arch_exit(code);
}

/*
 * The command line is parsed before the backend is chosen (virt= picks
 * one) but judged after its early set-up, so that a complaint reaches a
 * console the user can see (Xen owns COM1).
 */
static bool cmdline_parse_boot(struct boot_info *bi)
{
	if (bi->cmdline_truncated || cmdline_parse(&boot_cmdline, bi->cmdline)) {
		cmdline_parse(&boot_cmdline, "");
		return false;
	}
	return true;
}

static void cmdline_check(bool parsed)
{
	char bad[64];

	if (!parsed) {
		kprintf("vsched: command line too long (max %d characters)\n",
			BOOT_CMDLINE_MAX - 1);
		kernel_shutdown(EXIT_BAD_CMDLINE);
	}
	if (cmdline_check_known(&boot_cmdline, known_keys, bad, sizeof(bad))) {
		kprintf("vsched: unknown command-line option '%s'\n"
			"usage: test=all|NAME[,NAME] | bench=all|NAME,... | demo"
			" [slice_us=N] [idle=halt|poll] [poll_us=N] [nopv]"
			" [kvmclock=off] [pveoi=off] [pvipi=off] [virt=none]"
			" [nox2apic] [notscdeadline]\n", bad);
		kernel_shutdown(EXIT_BAD_CMDLINE);
	}
	if (inject_init(cmdline_get(&boot_cmdline, "inject"), bad, sizeof(bad))) {
		kprintf("vsched: unknown fault injection '%s' in inject=\n", bad);
		kernel_shutdown(EXIT_BAD_CMDLINE);
	}
}

/* Usable RAM: the memory map's RAM minus the low 1 MiB (trampoline, boot
 * data, BIOS) and the kernel image. */
static void memory_setup(struct boot_info *bi)
{
	uint64_t total = 0;

	for (unsigned i = 0; i < bi->nr_mem; i++) {
		struct boot_mem_range *r = &bi->mem[i];
		uint64_t s = MAX(r->base, 0x100000ull), e = r->base + r->size;

		if (r->type != BOOT_MEM_RAM || e <= s)
			continue;
		e = MIN(e, 0x100000000ull); /* only the identity-mapped 4 GiB */
		if (s < bi->kernel_end && e > bi->kernel_start) {
			if (s < bi->kernel_start)
				page_add_range(s, bi->kernel_start - s);
			s = MAX(s, bi->kernel_end);
		}
		if (e > s) {
			page_add_range(s, e - s);
			total += e - s;
		}
	}
	if (!total)
		panic("no usable RAM in the boot memory map (%u entries)", bi->nr_mem);
}

/* The vCPUs: the list arch code took from the device tree, or else the
 * ACPI MADT's, copied into the boot info. The boot CPU stays number 0. */
static void cpus_setup(void)
{
	uint32_t self = cpu_get(0)->hw_id;
	unsigned next = 1;

	if (!boot->cpus_source) {
		int rc = acpi_parse_madt(boot->rsdp_pa, &boot_madt);

		boot->cpus_source = "MADT";
		if (rc) {
			kprintf("vsched: no usable ACPI MADT (%d): running on 1 vCPU\n", rc);
			return;
		}
		boot->nr_cpus = MIN(boot_madt.ncpus, (unsigned)MAX_CPUS);
		for (unsigned i = 0; i < boot->nr_cpus; i++)
			boot->cpu_hw_ids[i] = boot_madt.apic_ids[i];
	}
	for (unsigned i = 0; i < boot->nr_cpus; i++)
		if (boot->cpu_hw_ids[i] != self)
			cpu_register(next++, boot->cpu_hw_ids[i]);
}

static void cpus_start(void)
{
	for (unsigned i = 1; i < cpu_count(); i++) {
		uint64_t stack = page_alloc(2); /* 16 KiB boot/idle stack */
		int (*start)(unsigned, uint32_t, void *) =
			virt->cpu_start ? virt->cpu_start : arch_cpu_start;
		int rc = stack ? start(i, cpu_get(i)->hw_id,
				       (void *)(uintptr_t)(stack + 4 * PAGE_SIZE))
			       : -ENOMEM;

		if (rc)
			kprintf("vsched: vCPU %u (hw id %u) did not start: %d\n",
				i, cpu_get(i)->hw_id, rc);
	}
}

static void main_thread(void *arg)
{
	const char *t = cmdline_get(&boot_cmdline, "test");
	const char *b = cmdline_get(&boot_cmdline, "bench");
	int code = EXIT_OK;

	if (t)
		code = test_run(*t ? t : "all") ? EXIT_TEST_FAILED : EXIT_OK;
	if (b && code == EXIT_OK)
		code = bench_run(*b ? b : "all") ? EXIT_TEST_FAILED : EXIT_OK;
	if (t || b) {
	} else if (cmdline_has(&boot_cmdline, "demo")) {
		sched_demo();
	} else if (cmdline_has(&boot_cmdline, "threads")) {
		sched_print_threads();
	} else {
		kprintf("vsched: nothing to do (give test=..., bench=... or demo)\n");
	}
	kernel_shutdown(code);
}

__noreturn void kernel_main(struct boot_info *bi)
{
	bool parsed;

	boot = bi;
	bi->main_cycles = arch_cycles_raw();
	parsed = cmdline_parse_boot(bi);
	virt = virt_select();
	if (virt->early_init)
		virt->early_init(bi);
	kprintf("vsched: boot (%s), command line \"%s\"\n", bi->protocol, bi->cmdline);
	cmdline_check(parsed);
	memory_setup(bi);
	virt->init();
	arch_init();
	cpus_setup();
	virt->cpu_init();
	kprintf("vsched: main: hypervisor backend %s; %s; %u vCPUs in %s\n",
		virt->name, arch_describe(), cpu_count(), boot->cpus_source);
	if (virt->describe)
		virt->describe();
	sched_init();
	this_cpu()->online = true;
	cpus_start();
	kprintf("vsched: %u of %u vCPUs online\n", cpu_online_count(), cpu_count());
	sched_start(main_thread, NULL);
}

__noreturn void kernel_secondary_main(void)
{
	virt->cpu_init();
	/* Release: everything this CPU set up is visible before it counts as
	 * online (pairs with the boot CPU's READ_ONCE poll). */
	__atomic_store_n(&this_cpu()->online, true, __ATOMIC_RELEASE);
	sched_cpu_enter();
}
