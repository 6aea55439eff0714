# SPDX-License-Identifier: MIT
# In-guest suites (see suites.cfg for which boots run them).
GUEST_SRCS += tests/guest/boot.c tests/guest/smp.c tests/guest/panic.c
