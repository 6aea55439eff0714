# SPDX-License-Identifier: MIT
GUEST_SRCS += virt/virt.c virt/none/none.c
