# SPDX-License-Identifier: MIT
# hv, the launcher on /dev/kvm, and its unit tests.
HV_SRCS += hv/main.c hv/opts.c hv/elf.c hv/boot.c hv/acpi.c hv/kvm.c \
	hv/run.c hv/io.c hv/stats.c

UNIT_TESTS += hv_elf hv_acpi hv_boot hv_stats hv_opts
UNIT_hv_elf := tests/unit/test_hv_elf.c hv/elf.c
UNIT_hv_acpi := tests/unit/test_hv_acpi.c hv/acpi.c
UNIT_hv_boot := tests/unit/test_hv_boot.c hv/boot.c hv/acpi.c
UNIT_hv_stats := tests/unit/test_hv_stats.c hv/stats.c
UNIT_hv_opts := tests/unit/test_hv_opts.c hv/opts.c hv/boot.c hv/acpi.c
