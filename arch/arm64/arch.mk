# SPDX-License-Identifier: MIT
# arm64: Linux image header, EL2 drop, MMU, vectors, GICv3, generic timer,
# PSCI SMP, PL011, device tree through Debian's libfdt (libfdt-dev:arm64,
# unpacked by tools/deps.sh --arm64 into build/deps/arm64).
OBJCOPY_arm64 ?= aarch64-linux-gnu-objcopy
ARM64_DEPS := build/deps/arm64
LIBFDT_DIR := $(ARM64_DEPS)/libfdt-dev/usr
LIBFDT_A := $(LIBFDT_DIR)/lib/aarch64-linux-gnu/libfdt.a
# -mbranch-protection=standard: pac-ret and BTI landing pads (cfi.c turns
# them on where the CPU has them; hints, no-ops elsewhere).
ARCH_CFLAGS := -mgeneral-regs-only -mno-outline-atomics -mcmodel=small -fpie \
	-mbranch-protection=standard \
	-fno-asynchronous-unwind-tables \
	-isystem arch/dt/libc -isystem $(LIBFDT_DIR)/include
# User code (*.user.c) signs nothing: EL0 shares the kernel's A key
# (SCTLR_EL1.EnIA covers both), which user mode should not use.
ARCH_USER_CFLAGS := -mbranch-protection=none
ARCH_ASFLAGS :=
ARCH_LDS := arch/arm64/kernel.ld
# A static PIE: head.S applies its own R_AARCH64_RELATIVE relocations.
ARCH_LDFLAGS := -static-pie -Wl,--no-dynamic-linker -Wl,-z,text -Wl,--hash-style=sysv
ARCH_LIBS := $(LIBFDT_A)
ARCH_SYSINC := xen
ARCH_IMAGES := $(BUILD)/vsched.bin
GUEST_SRCS += arch/arm64/head.S arch/arm64/entry.S arch/arm64/switch.S \
	arch/arm64/boot.c arch/arm64/fdt.c arch/arm64/serial.c \
	arch/arm64/traps.c arch/arm64/gic.c arch/dt/dt.c arch/arm64/timer.c \
	arch/arm64/smp.c arch/arm64/paging.c arch/arm64/cfi.c arch/arm64/user.c \
	virt/xen/common.c virt/xen/runstate.c virt/xen/evtchn.c virt/xen/ipi.c virt/xen/console.c \
	virt/xen/arm64.c

# head.S applies the relocations from __rela_start to __rela_end: they must
# span the whole of .rela.dyn (GNU ld once placed __rela_end before the
# relocations it added last), or a relocated image (Xen's dom0) runs with
# stale pointers. The build fails instead.
$(BUILD)/vsched.bin: $(BUILD)/vsched.elf
	@end=$$(aarch64-linux-gnu-nm $< | awk '$$3 == "__rela_end" {print $$1}'); \
	set -- $$(aarch64-linux-gnu-readelf -SW $< | \
	  awk '{ for (i = 1; i < NF; i++) if ($$i == ".rela.dyn") \
	    print $$(i + 2), $$(i + 4) }'); \
	sect=$$(printf "%016x" $$((0x$$1 + 0x$$2))); \
	if [ "$$end" != "$$sect" ]; then echo "$<: __rela_end $$end is not" \
	  "the end of .rela.dyn ($$sect): head.S would skip relocations" >&2; \
	  exit 1; fi
	$(OBJCOPY_arm64) -O binary $< $@

$(LIBFDT_A):
	@echo "missing $@: run tools/deps.sh --arm64" >&2; exit 1
