# SPDX-License-Identifier: MIT
GUEST_SRCS += virt/virt.c virt/none/none.c
# Host test of the x86 pvclock reader (the build machines are x86-64).
UNIT_TESTS += pvclock
UNIT_pvclock := tests/unit/test_pvclock.c virt/pvclock.c guest/ledger.c
