# SPDX-License-Identifier: MIT
# Host unit tests of arm64 code (built on any host, with the host's libfdt):
# the device-tree reader against trees from dtc and from QEMU's virt board.
UNIT_TESTS += dt
UNIT_dt := tests/unit/test_dt.c arch/arm64/fdt.c arch/dt/dt.c
UNIT_LIBS_dt := -lfdt
UNIT_DEPS_dt := $(UNITBUILD)/dt/qemu-virt.dtb $(UNITBUILD)/dt/qemu-long.dtb \
	$(UNITBUILD)/dt/xen-dom0.dtb $(UNITBUILD)/dt/bare.dtb
UNIT_CFLAGS_dt := -DDT_DIR='"$(UNITBUILD)/dt"'

$(UNITBUILD)/dt/%.dtb: tests/unit/dt/%.dts
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<
# What QEMU's virt board gives a guest (4 vCPUs, GICv3), and the same with
# a command line longer than the kernel keeps.
$(UNITBUILD)/dt/qemu-virt.dtb:
	@mkdir -p $(dir $@)
	qemu-system-aarch64 -M virt,gic-version=3,dumpdtb=$@ -cpu max -smp 4 \
		-m 512 -display none -kernel /dev/null -append "test=all quiet" >/dev/null
$(UNITBUILD)/dt/qemu-long.dtb:
	@mkdir -p $(dir $@)
	qemu-system-aarch64 -M virt,gic-version=3,dumpdtb=$@ -cpu max \
		-m 512 -display none -kernel /dev/null \
		-append "test=all $$(printf 'x%.0s' $$(seq 1100))" >/dev/null
