/* SPDX-License-Identifier: MIT */
/*
 * First C code on the boot CPU: read the device tree into struct boot_info
 * (libfdt uses FP/SIMD registers: allowed only while it runs), set up the
 * console and per-CPU pointer, and enter the portable kernel. Also the
 * small arch.h primitives (IRQ masking, halt, stacks, IPIs, exit).
 */
#include <string.h>

#include "arch.h"
#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "arch/arm64/cpu.h"
#include "arch/arm64/dt.h"
#include "arch/arm64/gic.h"
#include "arch/arm64/psci.h"
#include "arch/arm64/switch.h"
#include "arch/arm64/timer.h"

int arch_jump_patch(void *site, void *target)
{
	int64_t rel = (intptr_t)target - (intptr_t)site;
	uint32_t *p = site;

	if (rel & 3 || rel < -(1ll << 27) || rel >= (1ll << 27))
		return -EINVAL;
	*p = 0x14000000u | ((uint32_t)(rel >> 2) & 0x03ffffffu); /* b */
	/* Make the new instruction visible to instruction fetch. */
	__asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\t"
			 "dsb ish\n\tisb" : : "r"(p) : "memory");
	return 0;
}

#define DAIF_I (1u << 7)
#define CPACR_FPEN (3u << 20)

void serial_init(uint64_t base);
void smp_setup_bsp(void);
extern char __kernel_start[], __kernel_end[];
extern char thread_trampoline[];

struct dt_info dt;
static struct boot_info boot_info;
static char describe_buf[224];

const char arch_null_exit_name[] = "psci version call";
const char arch_counter_name[] = "cntvct";

/* libfdt is compiled with the stack protector. */
uintptr_t __stack_chk_guard = 0x2545f4914f6cdd1dull;
__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: smashed stack in libfdt");
}

void paging_init(void); /* paging.c */
void user_cpu_init(void); /* user.c: each CPU */

__noreturn void arch_boot_main(uint64_t dtb_pa, uint64_t t0)
{
	int rc;

	write_sysreg(CPACR_FPEN, cpacr_el1);
	isb();
	rc = dt_parse((const void *)(uintptr_t)dtb_pa, &boot_info, &dt);
	write_sysreg(0, cpacr_el1); /* any later FP/SIMD use traps */
	isb();
	serial_init(dt.uart_base);
	cpu_register(0, mpidr_to_hwid(read_sysreg(mpidr_el1)));
	smp_setup_bsp();
	boot_info.protocol = "linux-arm64";
	if (rc)
		kprintf("boot: no usable device tree at 0x%lx (%d)\n", dtb_pa, rc);
	boot_info.kernel_start = (uintptr_t)__kernel_start;
	boot_info.kernel_end = ALIGN_UP((uintptr_t)__kernel_end, PAGE_SIZE);
	boot_info.boot_cycles = t0;
	kernel_main(&boot_info);
}

static void ipi_irq(unsigned intid) { kernel_ipi(intid); }

/* Boot CPU, after memory is up: GIC, timer, interrupt handlers, then
 * pointer authentication and BTI: built without return-address signing,
 * as it turns signing on (cfi.c). */
__attribute__((target("branch-protection=none")))
void arch_init(void)
{
	int rc = gic_init_bsp();

	if (rc)
		panic("no usable GICv3 (%d)", rc);
	for (unsigned k = 0; k < IPI_NR; k++) /* SGI number = enum ipi_kind */
		irq_set_handler(k, ipi_irq);
	if ((rc = timer_init_bsp()))
		panic("no usable generic timer (%d)", rc);
	cfi_init_bsp();
	paging_init();
	user_cpu_init();
	ksnprintf(describe_buf, sizeof(describe_buf),
		  "gicv3, virtual timer PPI %u at %lu Hz, psci %s, cfi %s "
		  "(pac %s, bti %s)",
		  timer_intid(), arch_cycles_hz(),
		  !dt.psci ? "none" : dt.psci_hvc ? "hvc" : "smc", cfi_why,
		  cfi_pac_on ? "on" : "off", cfi_bti_on ? "on" : "off");
}

const char *arch_describe(void) { return describe_buf; }

void arch_irq_enable(void) { __asm__ volatile("msr daifclr, #2" : : : "memory"); }
void arch_irq_disable(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }
bool arch_irq_enabled(void) { return !(read_sysreg(daif) & DAIF_I); }
void arch_cpu_relax(void) { __asm__ volatile("yield" : : : "memory"); }

/* WFI wakes on a pending interrupt even while IRQs are masked, so none is
 * lost between the caller's check and the wait; then take it. */
void arch_wait_for_irq(void)
{
	ledger_add(LEDGER_HALT);
	__asm__ volatile("dsb sy; wfi; msr daifclr, #2; isb; msr daifset, #2"
			 : : : "memory");
}

__noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("msr daifset, #0xf; wfi");
}
void *arch_frame_pointer(void) { return __builtin_frame_address(0); }
void arch_null_exit(void) { psci_call(PSCI_VERSION, 0, 0, 0); }
void arch_fault_end(void) { this_cpu()->fault_ctx = NULL; }
uint64_t arch_irq_masked_dropped(void) { return 0; }

/* FEAT_RNG: ID_AA64ISAR0_EL1.RNDR (bits 63:60) says RNDR exists; a read
 * that fails sets NZCV to 0b0100 (Z) and returns 0. A few retries. */
bool arch_random64(uint64_t *out, const char **name)
{
	uint64_t v, ok;

	if (!((read_sysreg(id_aa64isar0_el1) >> 60) & 0xf))
		return false;
	for (int i = 0; i < 16; i++) {
		__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tcset %1, ne"
				 : "=r"(v), "=r"(ok) :: "cc");
		if (ok) {
			*out = v;
			*name = "rndr";
			return true;
		}
	}
	return false;
}

void *arch_stack_init(void *stack_top, void (*entry)(void *), void *arg)
{
	/* A zero frame record above the first frame ends the backtrace. */
	uintptr_t top = ALIGN_DOWN((uintptr_t)stack_top, 16) - 16;
	struct switch_frame *f = (struct switch_frame *)(top - sizeof(*f));

	memset((void *)top, 0, 16);
	*f = (struct switch_frame){.x19 = (uintptr_t)entry,
				   .x20 = (uintptr_t)arg,
				   .x29 = 0,
				   .x30 = (uintptr_t)thread_trampoline};
	f->seal = arch_switch_seal(f->x30, &f->seal);
	return f;
}

void arch_ipi_send(unsigned cpu, unsigned kind)
{
	struct cpu *c = cpu_get(cpu);

	if (c)
		gic_send_sgi(c->hw_id, kind);
}

/* No NMI here: a CPU with IRQs masked takes IPI_STOP once it unmasks. */
void arch_ipi_send_others(unsigned kind) { gic_send_sgi_others(kind); }

/* QEMU semihosting SYS_EXIT_EXTENDED, enabled by tools/run with
 * -semihosting-config enable=on,target=native. The status is
 * (code << 1) | 1 like x86's isa-debug-exit, so tools/run decodes both
 * alike and a QEMU that exits 0 means the guest never said. */
static void semihosting_exit(int code)
{
	uint64_t block[2] = {0x20026 /* ADP_Stopped_ApplicationExit */,
			     ((uint64_t)code << 1) | 1};
	register uint64_t x0 __asm__("x0") = 0x20; /* SYS_EXIT_EXTENDED */
	register uint64_t x1 __asm__("x1") = (uintptr_t)block;

	__asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
}

__noreturn void arch_exit(int code)
{
	/* Without semihosting HLT is undefined: fall through to PSCI. */
	if (this_cpu() && !arch_fault_try())
		semihosting_exit(code);
	if (this_cpu())
		arch_fault_end();
	if (dt.psci)
		psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
	arch_halt_forever();
}
