# SPDX-License-Identifier: MIT
# In-guest suites (see suites.cfg for which boots run them).
GUEST_SRCS += tests/guest/boot.c tests/guest/smp.c tests/guest/panic.c
GUEST_SRCS += tests/guest/sched_util.c tests/guest/sched_basic.c
GUEST_SRCS += tests/guest/sched_preempt.c tests/guest/sched_balance.c
GUEST_SRCS += tests/guest/sched_sync.c
GUEST_SRCS += tests/guest/sched_sleep.c tests/guest/sched_stack.c
GUEST_SRCS += tests/guest/stress.c
GUEST_SRCS += tests/guest/sched_perf.c
GUEST_SRCS += tests/guest/xen.c tests/guest/ledger.c tests/guest/threads_many.c
GUEST_SRCS += tests/guest/steal.c tests/guest/pvspin.c tests/guest/pvplace.c
GUEST_SRCS += tests/guest/trace.c tests/guest/audit.c tests/guest/stack_random.c
GUEST_SRCS += tests/guest/cfi.c tests/guest/entry.c
GUEST_SRCS += tests/guest/domains.c tests/guest/domains.user.c
