# SPDX-License-Identifier: MIT
# riscv64: S-mode under an SBI firmware (OpenSBI on QEMU virt), Sv48, the
# SBI TIME / IPI / HSM / RFENCE / SRST extensions or Sstc, NS16550, device
# tree through libfdt. Debian 12 has no riscv64 libfdt-dev: libfdt is built
# here from the copy in Debian's linux-source-6.1 tarball (tools/deps.sh).
OBJCOPY_riscv64 ?= riscv64-linux-gnu-objcopy
RV_LIBFDT := $(BUILD)/libfdt
RV_LIBFDT_SRC := linux-source-6.1/scripts/dtc/libfdt
RV_LIBFDT_OBJS := fdt fdt_ro fdt_rw fdt_wip fdt_strerror fdt_addresses
LINUX_SOURCE ?= /usr/src/linux-source-6.1.tar.xz
# No compressed instructions (a patched jump site is one 4-byte nop), no
# FP (the kernel saves no FP state), no linker relaxation (no gp).
ARCH_CFLAGS := -march=rv64ima_zicsr_zifencei -mabi=lp64 -mcmodel=medany \
	-mno-relax -mstrict-align -fno-asynchronous-unwind-tables -fno-plt \
	-isystem arch/dt/libc -isystem $(RV_LIBFDT)/include
ARCH_ASFLAGS := -march=rv64ima_zicsr_zifencei -mabi=lp64 -mno-relax
ARCH_LDS := arch/riscv64/kernel.ld
ARCH_LDFLAGS := -static -no-pie -Wl,--no-relax
ARCH_LIBS := $(RV_LIBFDT)/libfdt.a
ARCH_SYSINC := xen
GUEST_SRCS += arch/riscv64/head.S arch/riscv64/entry.S arch/riscv64/switch.S \
	arch/riscv64/boot.c arch/riscv64/fdt.c arch/riscv64/serial.c \
	arch/riscv64/traps.c arch/riscv64/timer.c arch/riscv64/smp.c \
	arch/riscv64/paging.c arch/riscv64/libgcc.c arch/dt/dt.c \
	arch/riscv64/user.c

# libfdt from linux-source, compiled like the kernel (freestanding, the
# stand-in headers of arch/dt/libc).
$(RV_LIBFDT)/include/libfdt.h:
	@[ -f $(LINUX_SOURCE) ] || { echo "missing $(LINUX_SOURCE):" \
	  "run tools/deps.sh" >&2; exit 1; }
	@rm -rf $(RV_LIBFDT)/src && mkdir -p $(RV_LIBFDT)/src $(RV_LIBFDT)/include
	tar -xJf $(LINUX_SOURCE) -C $(RV_LIBFDT)/src --strip-components=4 \
		$(RV_LIBFDT_SRC)
	cp $(RV_LIBFDT)/src/libfdt.h $(RV_LIBFDT)/src/libfdt_env.h \
		$(RV_LIBFDT)/src/fdt.h $(RV_LIBFDT)/include/
$(RV_LIBFDT)/libfdt.a: $(RV_LIBFDT)/include/libfdt.h
	cd $(RV_LIBFDT)/src && for f in $(RV_LIBFDT_OBJS); do \
	  $(CC_GUEST) -std=gnu11 -O2 -ffreestanding -nostdinc \
	    -isystem $(GCC_INC) -isystem $(CURDIR)/arch/dt/libc \
	    -isystem $(CURDIR)/include/libc -isystem $(CURDIR)/include -I. $(filter -m%,$(ARCH_CFLAGS)) \
	    -fno-stack-protector -c $$f.c -o $$f.o || exit 1; done
	$(AR_riscv64) rcs $@ $(addprefix $(RV_LIBFDT)/src/,$(addsuffix .o,$(RV_LIBFDT_OBJS)))
AR_riscv64 ?= riscv64-linux-gnu-ar

# Xen's public headers have no riscv64 ABI (Xen on RISC-V is not a
# released target): no Xen suite here.
GUEST_SRCS := $(filter-out tests/guest/xen.c,$(GUEST_SRCS))

$(BUILD)/arch/riscv64/fdt.o $(BUILD)/arch/dt/dt.o: | $(RV_LIBFDT)/include/libfdt.h
ARCH_LIBGCC :=
