/* SPDX-License-Identifier: MIT */
/*
 * riscv64 has no user mode yet: no user window, so domain_create()
 * returns -ENODEV and nothing below is reached.
 */
#include "arch.h"
#include "guest/panic.h"

uintptr_t arch_user_area_base(void) { return 0; }
size_t arch_user_area_size(void) { return 0; }
const char *arch_user_describe(void) { return "no user mode"; }
unsigned arch_user_guards(void) { return 0; }
uint64_t arch_user_pte_pa(uint64_t e) { return 0; }
bool arch_user_pte_allows(uint64_t e, bool write) { return false; }
bool arch_user_pte_owned(uint64_t e) { return false; }
void arch_user_switch(uint64_t *root, unsigned asid, void *kstack_top) {}
void arch_user_forget(uint64_t *root, unsigned asid) {}

void arch_user_format(struct pt_format *f, uint64_t *root,
		      struct spinlock *lock)
{
	panic("riscv64: no user mode");
}

__noreturn void arch_user_enter(uintptr_t pc, uintptr_t sp, uintptr_t arg)
{
	panic("riscv64: no user mode");
}
