# SPDX-License-Identifier: MIT
GUEST_SRCS += guest/main.c guest/console.c guest/percpu.c guest/panic.c guest/backtrace.c \
	guest/irq.c guest/ipi.c guest/test.c guest/ledger.c guest/options.c \
	guest/inject.c guest/pvspin.c guest/trace.c guest/jump.c guest/audit.c

UNIT_TESTS += options
UNIT_options := tests/unit/test_options.c guest/options.c guest/lib/cmdline.c \
	guest/lib/printf.c
