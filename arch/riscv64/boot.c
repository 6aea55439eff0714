/* SPDX-License-Identifier: MIT */
/*
 * First C code on the boot hart: paging on, the device tree read into
 * struct boot_info, console, per-CPU pointer and clock set up, then the
 * portable kernel. Also the small arch.h primitives (IRQ masking, halt,
 * stacks, exit) and the firmware's description.
 */
#include <string.h>

#include "arch.h"
#include "guest/boot.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/dt.h"
#include "arch/riscv64/pcpu.h"
#include "arch/riscv64/switch.h"
#include "arch/riscv64/timer.h"

#define JAL_OPCODE 0x6fu
#define SBI_IMPL_OPENSBI 1
#define TEST_FAIL 0x3333u /* sifive,test0: exit with the upper 16 bits */

void paging_boot(void);
void serial_init(void);
void smp_setup_bsp(void);
extern char __kernel_start[], __kernel_end[];
extern char thread_trampoline[];

struct dt_info dt;
static struct boot_info boot_info;
static char describe_buf[256];
static bool relax_wfi; /* arch_cpu_relax() ends QEMU's turn (below) */

const char arch_null_exit_name[] = "sbi get_spec_version";
const char arch_counter_name[] = "time/cycle";

/* libfdt may be compiled with the stack protector. */
uintptr_t __stack_chk_guard = 0x2545f4914f6cdd1dull;
__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: smashed stack in libfdt");
}

/* jal x0, target: +-1 MiB. */
int arch_jump_patch(void *site, void *target)
{
	int64_t rel = (intptr_t)target - (intptr_t)site;
	uint32_t *p = site, r = (uint32_t)rel;

	if (rel & 1 || rel < -(1ll << 20) || rel >= (1ll << 20))
		return -EINVAL;
	*p = JAL_OPCODE | ((r >> 20) & 1) << 31 | ((r >> 1) & 0x3ff) << 21 |
	     ((r >> 11) & 1) << 20 | ((r >> 12) & 0xff) << 12;
	__asm__ volatile("fence.i" : : : "memory");
	return 0;
}

__noreturn void arch_boot_main(uint64_t hart, uint64_t dtb_pa, uint64_t time0,
			       uint64_t cycle0)
{
	int rc;

	paging_boot();
	rc = dt_parse((const void *)(uintptr_t)dtb_pa, hart, &boot_info, &dt);
	serial_init();
	cpu_register(0, (uint32_t)hart);
	smp_setup_bsp();
	clock_init(time0, cycle0, &boot_info.boot_cycles);
	boot_info.protocol = "riscv-sbi";
	if (rc)
		kprintf("boot: no usable device tree at 0x%lx (%d)\n", dtb_pa, rc);
	boot_info.kernel_start = (uintptr_t)__kernel_start;
	boot_info.kernel_end = ALIGN_UP((uintptr_t)__kernel_end, PAGE_SIZE);
	kernel_main(&boot_info);
}

/* Boot hart, after memory is up: timer, IPIs, and what the firmware is. */
void user_cpu_init(void); /* user.c */

void arch_init(void)
{
	struct sbiret v = sbi_call(LEDGER_HYPERCALL, SBI_EXT_BASE, 0, 0, 0, 0, 0);
	struct sbiret impl = sbi_call(LEDGER_HYPERCALL, SBI_EXT_BASE, 1, 0, 0, 0, 0);
	int rc;

	if (v.error || v.value < 2 /* 0.1: no TIME, IPI, HSM, RFENCE */)
		panic("SBI %ld.%ld: vsched needs SBI 0.2 or later",
		      v.error ? 0 : (v.value >> 24) & 0x7f,
		      v.error ? 1 : v.value & 0xffffff);
	if (!dt.hart_intc)
		kprintf("riscv64: the device tree gives hart %u no riscv,cpu-intc;"
			" taking its local interrupts anyway\n", this_cpu()->hw_id);
	if ((rc = timer_init_bsp()))
		panic("no usable timer (%d): neither Sstc nor SBI TIME", rc);
	if (cpu_count() > 1 && (!sbi_has(SBI_EXT_IPI) || !sbi_has(SBI_EXT_HSM) ||
				!sbi_has(SBI_EXT_RFENCE)))
		panic("SBI without IPI, HSM or RFENCE: cannot run %u harts",
		      cpu_count());
	relax_wfi = clock_counts_instructions();
	user_cpu_init();
	ksnprintf(describe_buf, sizeof(describe_buf),
		  "sbi %ld.%ld (%s), %s, ipi sbi, plic %s (unused), spin-wait %s, isa %s",
		  (v.value >> 24) & 0x7f, v.value & 0xffffff,
		  impl.value == SBI_IMPL_OPENSBI ? "opensbi" : "other",
		  timer_describe(), dt.plic_base ? "present" : "none",
		  relax_wfi ? "wfi" : "pause", dt.isa);
	kprintf("riscv64: %s\n", timer_describe());
}

const char *arch_describe(void) { return describe_buf; }

void arch_irq_enable(void) { __asm__ volatile("csrsi sstatus, 2" : : : "memory"); }
void arch_irq_disable(void) { __asm__ volatile("csrci sstatus, 2" : : : "memory"); }
bool arch_irq_enabled(void) { return csr_read(sstatus) & SR_SIE; }
/* Spin-wait hint. Zihintpause's pause (a fence hint: a nop where not
 * implemented), except under QEMU -icount (the cycle CSR counting
 * instructions is the sign: timer.c): there all harts take turns on one
 * host thread, and a spinning hart keeps the one it waits for from
 * running until the next timer event (QEMU's pause, unlike x86's pause
 * and arm64's yield, does not end the turn). A wfi with an interrupt
 * pending ends it and returns at once: pend our own software interrupt
 * with IRQs masked, wait, and withdraw it unless an IPI was posted
 * meanwhile (whose sender may have found SSIP already set). */
void arch_cpu_relax(void)
{
	if (!relax_wfi) {
		__asm__ volatile(".4byte 0x0100000f" : : : "memory");
		return;
	}
	unsigned long f = arch_irq_save();

	__asm__ volatile("csrs sip, %0\n\twfi\n\tcsrc sip, %0"
			 : : "r"(IE_SSIE) : "memory");
	if (__atomic_load_n(&arch_pcpu(this_cpu())->ipi_pending, __ATOMIC_ACQUIRE))
		csr_set(sip, IE_SSIE);
	arch_irq_restore(f);
}

/* WFI wakes on an interrupt pending and enabled in sie, whatever
 * sstatus.SIE says, so none is lost between the caller's check and the
 * wait; then take it. */
void arch_wait_for_irq(void)
{
	ledger_add(LEDGER_HALT);
	__asm__ volatile("wfi\n\tcsrsi sstatus, 2\n\tcsrci sstatus, 2" : : : "memory");
}

__noreturn void arch_halt_forever(void)
{
	for (;;)
		__asm__ volatile("csrci sstatus, 2\n\twfi");
}
void *arch_frame_pointer(void) { return __builtin_frame_address(0); }
void arch_null_exit(void) { sbi_call(LEDGER_HYPERCALL, SBI_EXT_BASE, 0, 0, 0, 0, 0); }
void arch_fault_end(void) { this_cpu()->fault_ctx = NULL; }
uint64_t arch_irq_masked_dropped(void) { return 0; }

static inline uint64_t read_seed(void)
{
	uint64_t s;

	__asm__ volatile("csrrw %0, 0x015, zero" : "=r"(s) : : "memory");
	return s;
}

/* Zkr's seed CSR: 16 bits of entropy per ES16 reading (OPST 2). S-mode
 * may read it only if the firmware set mseccfg.SSEED (OpenSBI 1.1 does
 * not): the first reading is tried, and its fault remembered. */
bool arch_random64(uint64_t *out, const char **name)
{
	static int usable = -1;
	uint64_t v = 0;
	int got = 0;

	if (!dt.zkr || !usable)
		return false;
	if (usable < 0) {
		usable = 0;
		if (!arch_fault_try()) {
			read_seed();
			usable = 1;
		}
		arch_fault_end();
		if (!usable)
			return false;
	}
	for (int i = 0; i < 256 && got < 4; i++) {
		uint64_t s = read_seed();

		if (((s >> 30) & 3) == 2) {
			v = v << 16 | (s & 0xffff);
			got++;
		}
	}
	if (got < 4)
		return false;
	*out = v;
	*name = "seed";
	return true;
}

void *arch_stack_init(void *stack_top, void (*entry)(void *), void *arg)
{
	uintptr_t top = ALIGN_DOWN((uintptr_t)stack_top, 16) - 16;
	struct switch_frame *f = (struct switch_frame *)(top - sizeof(*f));

	memset((void *)top, 0, 16);
	*f = (struct switch_frame){.ra = (uintptr_t)thread_trampoline,
				   .s = {0 /* fp: ends the backtrace */,
					 (uintptr_t)entry, (uintptr_t)arg}};
	f->seal = arch_switch_seal(f->ra, &f->seal);
	return f;
}

/* QEMU's sifive,test0 exits with status (code << 1) | 1, as x86's
 * isa-debug-exit does, so tools/run reads both alike; elsewhere SBI SRST
 * shuts down (reason "system failure" for a nonzero code). */
__noreturn void arch_exit(int code)
{
	if (dt.test_base)
		mmio_write32(dt.test_base, TEST_FAIL | ((uint32_t)code << 1 | 1) << 16);
	sbi_ecall(SBI_EXT_SRST, 0, 0 /* shutdown */, code ? 1 : 0, 0, 0);
	arch_halt_forever();
}
