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
#include "guest/ledger.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"
#include "guest/lib/random.h"
#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/pvspin.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "guest/sched/stack.h"
#include "guest/test.h"
#include "guest/trace.h"
#include "guest/audit.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("demo", false,
		"run a small mixed workload, print the threads"));
OPTION(OPT_BOOL("threads", false, "print the thread table"));

struct boot_info *boot;               /* what the loader told us */

/* Why options_parse() refused the command line ("" if it did not). */
static char cmdline_error[640];

__noreturn void kernel_shutdown(int code)
{
	trace_dump(false);
	audit_dump(false);
	kprintf("vsched: exit code %d\n", code);
	if (virt)
		virt->shutdown(code);
	arch_exit(code);
}

/*
 * The command line is parsed and checked before the backend is chosen
 * (virt= picks one; a refused line reads as empty) but the complaint waits
 * for the backend's early set-up, so that it reaches a console the user can
 * see (Xen owns COM1).
 */
static void cmdline_check(void)
{
	char bad[64];

	if (cmdline_error[0]) {
		kprintf("vsched: bad command line: %s\n", cmdline_error);
		options_usage();
		kernel_shutdown(EXIT_BAD_CMDLINE);
	}
	/* The option table checked the names; this turns them on. */
	if (inject_init(option_str("inject"), bad, sizeof(bad))) {
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

/* The vCPUs the arch found (x86-64: the ACPI MADT, arm64: the device
 * tree) into the per-CPU table. The boot CPU stays number 0. */
static void cpus_setup(void)
{
	uint32_t self = cpu_get(0)->hw_id;
	unsigned next = 1;

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
	const char *t = option_str("test");
	const char *b = option_str("bench");
	int code = EXIT_OK;

	if (t)
		code = test_run(t) ? EXIT_TEST_FAILED : EXIT_OK;
	if (b && code == EXIT_OK)
		code = bench_run(b) ? EXIT_TEST_FAILED : EXIT_OK;
	if (t || b) {
	} else if (option_bool("demo")) {
		sched_demo();
	} else if (option_bool("threads")) {
		sched_print_threads();
	} else {
		kprintf("vsched: nothing to do (give test=..., bench=... or demo)\n");
	}
	kernel_shutdown(code);
}

__noreturn void kernel_main(struct boot_info *bi)
{
	boot = bi;
	bi->main_cycles = arch_cycles_raw();
	ledger_ready = true; /* arch set up this CPU's this_cpu() */
	options_parse(&boot_cmdline, bi->cmdline, bi->cmdline_truncated,
		      cmdline_error, sizeof(cmdline_error));
	virt = virt_select();
	if (virt->early_init)
		virt->early_init(bi);
	kprintf("vsched: boot (%s), command line \"%s\"\n", bi->protocol, bi->cmdline);
	cmdline_check();
	memory_setup(bi);
	virt->init();
	arch_init();
	cpus_setup();
	virt->cpu_init();
	kprintf("vsched: main: hypervisor backend %s; %s; %u vCPUs in %s\n",
		virt->name, arch_describe(), cpu_count(), boot->cpus_source);
	if (virt->describe)
		virt->describe();
	trace_init();
	audit_init();
	random_init();
	stack_random_init();
	kprintf("vsched: random: seed from %s; thread stacks start a random "
		"16-byte step below their top: %u bits for 4 KiB stacks, %u for "
		"16 KiB, %u from 32 KiB\n", random_source,
		stack_random_bits(1), stack_random_bits(4), stack_random_bits(8));
	sched_init();
	pvspin_init();
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
