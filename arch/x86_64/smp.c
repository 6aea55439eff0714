/* SPDX-License-Identifier: MIT */
/*
 * Per-CPU descriptor state (TSS with IST stacks, GS base) and secondary CPU
 * start-up with INIT-SIPI-SIPI through the real-mode trampoline.
 */
#include "arch.h"
#include <string.h>
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/percpu.h"
#include "arch/x86_64/apic.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"

_Static_assert(offsetof(struct cpu, self) == 0, "%gs:0 is the self pointer");
_Static_assert(offsetof(struct cpu, fault_ctx) == CPU_OFF_FAULT_CTX_ASM, "switch.S");
_Static_assert(offsetof(struct cpu, arch) == CPU_OFF_ARCH_ASM, "switch.S");

struct tss {
	uint32_t rsv0;
	uint64_t rsp[3];
	uint64_t rsv1;
	uint64_t ist[7];
	uint64_t rsv2;
	uint16_t rsv3, iomap_base;
} __packed;

#define IST_SIZE 8192
static struct tss tss[MAX_CPUS];
static uint8_t bsp_ist[2][IST_SIZE] __aligned(16);
extern uint64_t gdt64[];
extern volatile uint32_t ap_booting;
extern volatile uint64_t ap_boot_stack;
extern char __trampoline_start[], __trampoline_end[];
static volatile unsigned ap_cpu_id;

static void tss_load(unsigned id, void *ist1, void *ist2)
{
	uint64_t base = (uintptr_t)&tss[id];
	uint64_t *d = &gdt64[GDT_TSS_BASE / 8 + 2 * id];
	uint16_t sel = GDT_TSS_BASE + 16 * id;

	tss[id].ist[0] = (uintptr_t)ist1 + IST_SIZE;
	tss[id].ist[1] = (uintptr_t)ist2 + IST_SIZE;
	tss[id].iomap_base = sizeof(struct tss);
	d[0] = (sizeof(struct tss) - 1) | ((base & 0xffffff) << 16) |
	       (0x89ull << 40) | (((base >> 24) & 0xff) << 56);
	d[1] = base >> 32;
	__asm__ volatile("ltr %0" : : "r"(sel));
}

/* Descriptor tables and per-CPU pointer for CPU c (IRQs off). */
static void cpu_setup(struct cpu *c, void *ist1, void *ist2)
{
	/* Uncounted: the ledger needs this_cpu(), which this sets up. */
	__wrmsr(MSR_GS_BASE, (uintptr_t)c);
	traps_load();
	tss_load(c->id, ist1, ist2);
	if (c->id) /* the boot CPU's comes with arch_init() */
		user_cpu_init();
}

/* Where an interrupt from user mode on CPU id puts its frame. */
void smp_set_kernel_stack(unsigned id, uintptr_t top)
{
	tss[id].rsp[0] = top;
}

void smp_setup_bsp(void)
{
	traps_init();
	cpu_setup(cpu_get(0), bsp_ist[0], bsp_ist[1]);
}

static uint64_t wait_ns(uint64_t ns)
{
	uint64_t t0 = rdtsc_ordered(), span = ns * (arch_cycles_hz() / 1000) / 1000000;

	while (rdtsc_ordered() - t0 < span)
		arch_cpu_relax();
	return span;
}

extern char enter_long_mode32[];

uint32_t smp_ap_prepare(unsigned id, void *stack_top)
{
	ap_cpu_id = id;
	ap_boot_stack = (uintptr_t)stack_top;
	ap_booting = 1;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return (uint32_t)(uintptr_t)enter_long_mode32;
}

int smp_ap_wait_online(unsigned id)
{
	int rc = cpu_wait_online(cpu_get(id));

	if (rc)
		return rc;
	ap_booting = 0;
	return 0;
}

int arch_cpu_start(unsigned id, uint32_t hw_id, void *stack_top)
{
	struct cpu *c = cpu_get(id);

	if (!c || id == 0)
		return -EINVAL;
	memcpy((void *)TRAMPOLINE_BASE, __trampoline_start,
	       __trampoline_end - __trampoline_start);
	smp_ap_prepare(id, stack_top);
	apic_send(hw_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
	/* The MP spec's 10 ms after INIT is for 1990s parts (Linux waits
	 * none on family 6 and later); under icount every ms of it is a
	 * million PAUSEs, each a round of all vCPUs: 64 vCPUs took minutes. */
	wait_ns(100 * 1000);
	for (int i = 0; i < 2 && !c->online; i++) {
		apic_send(hw_id, APIC_DM_STARTUP | (TRAMPOLINE_BASE >> 12));
		wait_ns(200 * 1000);
	}
	return smp_ap_wait_online(id);
}


/* First C code of a secondary CPU, on the stack arch_cpu_start() gave. */
__noreturn void arch_ap_main(void)
{
	struct cpu *c = cpu_get(ap_cpu_id);
	uint64_t ist = page_alloc(2); /* 4 pages: two 8 KiB IST stacks */

	if (!ist)
		arch_halt_forever();
	cpu_setup(c, (void *)(uintptr_t)ist, (void *)(uintptr_t)(ist + IST_SIZE));
	apic_init_cpu();
	timer_init_cpu();
	kernel_secondary_main();
}
