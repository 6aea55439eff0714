/* SPDX-License-Identifier: MIT */
/*
 * First C code on the boot CPU: copy what the PVH start info says into
 * struct boot_info, set up descriptors, and enter the portable kernel.
 * Also the small arch.h primitives (IRQ flags, halt, stacks, IPIs).
 */
#include <string.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "arch.h"
#include "guest/boot.h"
#include "guest/lib/acpi.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/switch.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("nox2apic", false, "x86: use the xAPIC, not x2APIC"));
OPTION(OPT_BOOL("notscdeadline", false,
		"x86: LAPIC one-shot, not TSC-deadline"));

void serial_init(void);
void smp_setup_bsp(void);
void paging_init(void);
extern char __kernel_start[], __kernel_end[];
extern char thread_trampoline[];

static struct boot_info boot_info;

/* The vCPU list from the ACPI MADT into the boot info, as arm64's fdt.c
 * takes it from the device tree. After the backend's init: under Xen
 * its quirks apply first. */
static void cpus_from_madt(struct boot_info *bi)
{
	static struct acpi_madt_info madt;
	int rc = acpi_parse_madt(bi->rsdp_pa, &madt);

	bi->cpus_source = "MADT";
	if (rc) {
		kprintf("vsched: no usable ACPI MADT (%d): running on 1 vCPU\n",
			rc);
		return;
	}
	bi->madt_pa = madt.madt_pa;
	bi->nr_cpus = MIN(madt.ncpus, (unsigned)MAX_CPUS);
	for (unsigned i = 0; i < bi->nr_cpus; i++)
		bi->cpu_hw_ids[i] = madt.apic_ids[i];
}

int arch_jump_patch(void *site, void *target)
{
	uint8_t *p = site;
	int64_t rel = (intptr_t)target - (intptr_t)(p + 5);

	if (rel != (int32_t)rel)
		return -EINVAL;
	/* The CPU that writes is the one that runs it: x86 snoops its own
	 * stores into instructions; nobody else runs yet. */
	p[0] = 0xe9; /* jmp rel32 */
	memcpy(p + 1, &(int32_t){(int32_t)rel}, 4);
	return 0;
}
static char describe_buf[160];

static void copy_start_info(uint32_t pa, struct boot_info *bi)
{
	const struct hvm_start_info *si = (const void *)(uintptr_t)pa;

	bi->protocol = "pvh";
	if (!pa || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		kprintf("boot: no PVH start info (magic %x)\n", pa ? si->magic : 0);
		return;
	}
	if (si->cmdline_paddr) {
		const char *s = (const char *)(uintptr_t)si->cmdline_paddr;
		size_t n = strnlen(s, BOOT_CMDLINE_MAX);

		bi->cmdline_truncated = n == BOOT_CMDLINE_MAX;
		n = MIN(n, BOOT_CMDLINE_MAX - 1);
		memcpy(bi->cmdline, s, n);
		bi->cmdline[n] = 0;
	}
	bi->rsdp_pa = si->rsdp_paddr;
	if (si->version >= 1 && si->memmap_paddr) {
		const struct hvm_memmap_table_entry *e =
			(const void *)(uintptr_t)si->memmap_paddr;

		for (uint32_t i = 0; i < si->memmap_entries && bi->nr_mem < BOOT_MEMMAP_MAX; i++)
			bi->mem[bi->nr_mem++] = (struct boot_mem_range){
				e[i].addr, e[i].size, e[i].type};
	}
}

__noreturn void arch_boot_main(uint32_t start_info_pa)
{
	uint64_t t0 = rdtsc();

	serial_init();
	cpu_register(0, 0);
	smp_setup_bsp();
	copy_start_info(start_info_pa, &boot_info);
	boot_info.kernel_start = (uintptr_t)__kernel_start;
	boot_info.kernel_end = ALIGN_UP((uintptr_t)__kernel_end, PAGE_SIZE);
	boot_info.boot_cycles = t0;
	kernel_main(&boot_info);
}

static void timer_irq(struct arch_regs *r) { kernel_timer_interrupt(); }
static void ipi_irq(struct arch_regs *r) { kernel_ipi(r->vector - VEC_IPI_BASE); }

static void arch_irq_handlers_init(void)
{
	irq_set_handler(VEC_TIMER, timer_irq);
	for (unsigned k = 0; k < IPI_NR; k++)
		irq_set_handler(VEC_IPI_BASE + k, ipi_irq);
}

/* The legacy 8259 PICs: move them off the exception vectors (a firmware
 * may have left them at 8-15) and mask every line; the LAPIC does it all. */
static void pic_disable(void)
{
	static const uint8_t seq[][2] = {
		{0x20, 0x11}, {0xa0, 0x11},	/* ICW1: init, ICW4 follows */
		{0x21, 0x20}, {0xa1, 0x28},	/* ICW2: vector bases */
		{0x21, 0x04}, {0xa1, 0x02},	/* ICW3: cascade on IRQ2 */
		{0x21, 0x01}, {0xa1, 0x01},	/* ICW4: 8086 mode */
		{0x21, 0xff}, {0xa1, 0xff},	/* mask all */
	};

	for (unsigned i = 0; i < ARRAY_SIZE(seq); i++)
		outb(seq[i][0], seq[i][1]);
}

/* Boot CPU, after memory is up: APIC mode, timer, interrupt handlers. */
void arch_init(void)
{
	arch_irq_handlers_init();
	pic_disable();
	apic_init_bsp(!option_bool("nox2apic"));
	apic_init_cpu();
	cpu_get(0)->hw_id = apic_id();
	timer_init_bsp(!option_bool("notscdeadline"));
	timer_init_cpu();
	paging_init();
	user_cpu_init();
	ksnprintf(describe_buf, sizeof(describe_buf), "%s, %s",
		  apic_is_x2apic() ? "x2apic" : "xapic", timer_describe());
	cpus_from_madt(&boot_info);
}

const char *arch_describe(void) { return describe_buf; }

void arch_irq_enable(void) { __asm__ volatile("sti" : : : "memory"); }
void arch_irq_disable(void) { __asm__ volatile("cli" : : : "memory"); }
bool arch_irq_enabled(void)
{
	unsigned long f;

	__asm__ volatile("pushfq; pop %0" : "=r"(f));
	return f & 0x200;
}
void arch_cpu_relax(void) { __asm__ volatile("pause" : : : "memory"); }
/* sti;hlt: the interrupt shadow of sti makes enable+halt atomic. */
void arch_wait_for_irq(void)
{
	ledger_add(LEDGER_HALT);
	__asm__ volatile("sti; hlt; cli" : : : "memory");
}
__noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
void *arch_frame_pointer(void) { return __builtin_frame_address(0); }
const char arch_null_exit_name[] = "cpuid";
const char arch_counter_name[] = "tsc";

void arch_null_exit(void)
{
	(void)cpuid(0, 0);
}

void arch_fault_end(void) { this_cpu()->fault_ctx = NULL; }

/* RDSEED (CPUID.7.0:EBX bit 18) reads the entropy source, RDRAND
 * (CPUID.1:ECX bit 30) its conditioned generator; both may fail (CF=0)
 * for a while under load: a few retries each. */
bool arch_random64(uint64_t *out, const char **name)
{
	bool seed = cpuid(0, 0).eax >= 7 && (cpuid(7, 0).ebx & (1u << 18));
	bool rand = cpuid(1, 0).ecx & (1u << 30);
	uint8_t ok;

	for (int i = 0; seed && i < 16; i++) {
		__asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok)
				 :: "cc");
		if (ok) {
			*name = "rdseed";
			return true;
		}
	}
	for (int i = 0; rand && i < 16; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok)
				 :: "cc");
		if (ok) {
			*name = "rdrand";
			return true;
		}
	}
	return false;
}

void *arch_stack_init(void *stack_top, void (*entry)(void *), void *arg)
{
	/* 16 zero bytes end the backtrace; after ret, rsp is 16-aligned. */
	uintptr_t top = ALIGN_DOWN((uintptr_t)stack_top, 16) - 16;
	struct switch_frame *f = (struct switch_frame *)(top - sizeof(*f));

	memset((void *)top, 0, 16);
	*f = (struct switch_frame){.r12 = (uintptr_t)entry,
				   .r13 = (uintptr_t)arg,
				   .rip = (uintptr_t)thread_trampoline};
	f->seal = arch_switch_seal(f->rip, &f->seal);
	return f;
}

void arch_ipi_send(unsigned cpu, unsigned kind)
{
	struct cpu *c = cpu_get(cpu);

	if (c)
		apic_send(c->hw_id, kind == IPI_STOP ? APIC_DM_NMI :
				    APIC_DM_FIXED | (VEC_IPI_BASE + kind));
}

void arch_ipi_send_others(unsigned kind)
{
	if (kind == IPI_STOP) /* NMI: stops CPUs even with IRQs off */
		apic_send_others(APIC_DM_NMI);
	else
		apic_send_others(APIC_DM_FIXED | (VEC_IPI_BASE + kind));
}

