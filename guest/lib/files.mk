# SPDX-License-Identifier: MIT
# guest/lib: freestanding string functions, printf, command line, ACPI.
GUEST_SRCS += guest/lib/string.c guest/lib/printf.c guest/lib/cmdline.c \
	guest/lib/acpi.c guest/lib/sort.c guest/lib/crc32.c guest/lib/random.c

UNIT_TESTS += printf cmdline acpi crc32
UNIT_printf := tests/unit/test_printf.c guest/lib/printf.c
UNIT_cmdline := tests/unit/test_cmdline.c guest/lib/cmdline.c
UNIT_acpi := tests/unit/test_acpi.c guest/lib/acpi.c
UNIT_crc32 := tests/unit/test_crc32.c guest/lib/crc32.c
