# SPDX-License-Identifier: MIT
# Host unit tests of riscv64 code (built on any host, with the host's
# libfdt): the device-tree reader against trees from QEMU's virt board
# (qemu-system-riscv64, tools/deps.sh --riscv64) and from dtc.
UNIT_TESTS += dt_riscv64
UNIT_dt_riscv64 := tests/unit/test_dt_riscv64.c arch/riscv64/fdt.c arch/dt/dt.c
UNIT_LIBS_dt_riscv64 := -lfdt
UNIT_DEPS_dt_riscv64 := $(UNITBUILD)/dt/riscv-virt.dtb \
	$(UNITBUILD)/dt/riscv-nosstc.dtb $(UNITBUILD)/dt/riscv-min.dtb
UNIT_CFLAGS_dt_riscv64 := -DDT_DIR='"$(UNITBUILD)/dt"'

# QEMU's riscv virt wants a kernel it can load before it writes the tree
# for -append: a page of zeros.
$(UNITBUILD)/dt/zero.bin:
	@mkdir -p $(dir $@)
	head -c 4096 /dev/zero > $@
$(UNITBUILD)/dt/riscv-virt.dtb: $(UNITBUILD)/dt/zero.bin
	qemu-system-riscv64 -M virt,dumpdtb=$@ -cpu rv64 -smp 4 -m 512 \
		-display none -kernel $< -append "test=all quiet" >/dev/null
$(UNITBUILD)/dt/riscv-nosstc.dtb:
	@mkdir -p $(dir $@)
	qemu-system-riscv64 -M virt,dumpdtb=$@ -cpu rv64,sstc=false -smp 2 \
		-m 512 -display none >/dev/null
