/* SPDX-License-Identifier: MIT */
/*
 * Hardware control-flow integrity on arm64, where the CPU has it: pointer
 * authentication of return addresses (FEAT_PAuth: gcc's pac-ret signs the
 * saved x30 with the A key and sp, paciasp / autiasp) and branch target
 * identification (FEAT_BTI: an indirect branch into a guarded page must
 * land on a bti or paciasp). The kernel is built with
 * -mbranch-protection=standard; those instructions are hints: signing
 * starts with SCTLR_EL1.EnIA, BTI with the guarded-page bit here. One key for every CPU (threads
 * migrate with their signed frames).
 *
 * Turning signing on while a function that signed nothing is still to
 * return would make its return fail: arch_init() and the functions here
 * are built without it, and everything else live at that moment never
 * returns (arch_boot_main, kernel_main; a secondary CPU does it first
 * thing in arch_secondary_main).
 */
#include "arch.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/lib/random.h"
#include "guest/options.h"
#include "arch/arm64/cpu.h"

#define SCTLR_ENIA (1ul << 31)
#define SCTLR_BT1 (1ul << 36)
#define PTE_GP (1ul << 50)        /* guarded page (BTI) */
#define APIAKEYLO_EL1 S3_0_C2_C1_0
#define APIAKEYHI_EL1 S3_0_C2_C1_1
#define ID_AA64ISAR2_EL1 S3_0_C0_C6_2

OPTION(OPT_BOOL("cfi_hw", true, "arm64: pointer authentication of return "
		"addresses and BTI landing pads, where the CPU has them"));

bool cfi_pac_on, cfi_bti_on;
const char *cfi_why = "not set up";
static uint64_t key_lo, key_hi;
static uint64_t sctlr_bits;
extern uint64_t boot_l1[512];

/* Address authentication with any algorithm: APA or API (ISAR1), APA3
 * (ISAR2). */
static bool cpu_has_pac(void)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);

	return ((isar1 >> 4) & 0xf) || ((isar1 >> 8) & 0xf) ||
	       ((read_sysreg(ID_AA64ISAR2_EL1) >> 12) & 0xf);
}

/* Generic authentication (pacga): GPA or GPI (ISAR1), GPA3 (ISAR2). */
static bool cpu_has_pacga(void)
{
	uint64_t isar1 = read_sysreg(id_aa64isar1_el1);

	return ((isar1 >> 24) & 0xf) || ((isar1 >> 28) & 0xf) ||
	       ((read_sysreg(ID_AA64ISAR2_EL1) >> 8) & 0xf);
}

static bool cpu_has_bti(void) { return read_sysreg(id_aa64pfr1_el1) & 0xf; }

/* This CPU's key and enables; built unsigned (see the top). */
__attribute__((target("branch-protection=none")))
void cfi_enable_this_cpu(void)
{
	if (!sctlr_bits)
		return;
	if (sctlr_bits & SCTLR_ENIA) {
		write_sysreg(key_lo, APIAKEYLO_EL1);
		write_sysreg(key_hi, APIAKEYHI_EL1);
	}
	write_sysreg(read_sysreg(sctlr_el1) | sctlr_bits, sctlr_el1);
	isb();
}

/* Can this CPU's key be written, and do PAC instructions run? A
 * hypervisor that lists the feature but traps it (HCR_EL2.APK/API clear)
 * makes them undefined here. pacia is no test of API while EnIA is off
 * (it then returns its input untouched); pacga, which no enable gates,
 * is, where the CPU has generic authentication. */
__attribute__((target("branch-protection=none")))
static bool pac_usable(bool generic)
{
	volatile bool ok = false;

	if (!arch_fault_try()) {
		write_sysreg(key_lo, APIAKEYLO_EL1);
		write_sysreg(key_hi, APIAKEYHI_EL1);
		isb();
		if (generic) {
			register uint64_t x0 __asm__("x0");
			register uint64_t x1 __asm__("x1") = 0x1234;
			register uint64_t x2 __asm__("x2") = 0;

			__asm__ volatile(".inst 0x9ac23020" /* pacga x0, x1, x2 */
					 : "=r"(x0) : "r"(x1), "r"(x2));
		}
		ok = true;
	}
	arch_fault_end();
	return ok;
}

/* Boot CPU, from arch_init() (unsigned), before the others start. */
__attribute__((target("branch-protection=none")))
void cfi_init_bsp(void)
{
	uint64_t r;
	const char *src;
	bool pac = cpu_has_pac(), bti = cpu_has_bti();

	if (!option_bool("cfi_hw")) {
		cfi_why = "off (cfi_hw=off)";
		return;
	}
	if (!arch_random64(&r, &src))
		r = arch_cycles_raw();
	key_lo = random_mix(r ^ 0x706163a5c3e1f00dull);
	key_hi = random_mix(key_lo ^ arch_cycles_raw());
	if (pac && !pac_usable(cpu_has_pacga())) {
		pac = false;
		kprintf("arm64: pointer authentication listed but trapped: off\n");
	}
	if (inject_on(INJECT_CFI_HW_OFF)) { /* said on, left off */
		cfi_pac_on = pac;
		cfi_bti_on = bti;
		cfi_why = "on (inject=cfi_hw_off: not really)";
		return;
	}
	/* BTI is enforced in guarded pages: the RAM blocks, kernel text
	 * among them. (SCTLR_EL1.BT1 makes paciasp a landing pad for calls
	 * only, as bti c.) */
	if (bti) {
		for (unsigned i = 1; i < 4; i++)
			if (boot_l1[i] & 1)
				boot_l1[i] |= PTE_GP;
		dsb(ishst);
		__asm__ volatile("tlbi vmalle1is\n\tdsb ish\n\tisb" : : : "memory");
	}
	sctlr_bits = (pac ? SCTLR_ENIA : 0) | (bti ? SCTLR_BT1 : 0);
	cfi_pac_on = pac;
	cfi_bti_on = bti;
	cfi_why = pac || bti ? "on" : "not offered (by the CPU or its hypervisor)";
	cfi_enable_this_cpu();
}
