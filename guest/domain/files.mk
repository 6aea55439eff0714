# SPDX-License-Identifier: MIT
# guest/domain: isolation domains (address spaces, quotas, user threads)
# and the system calls of their user-mode threads.
GUEST_SRCS += guest/domain/domain.c guest/domain/syscall.c
