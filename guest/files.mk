# SPDX-License-Identifier: MIT
GUEST_SRCS += guest/main.c guest/console.c guest/percpu.c guest/panic.c guest/backtrace.c \
	guest/irq.c guest/ipi.c guest/test.c guest/weak.c guest/inject.c
