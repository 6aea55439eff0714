# SPDX-License-Identifier: MIT
# guest/sched: run queues, timer queues, wake lists, placement, threads,
# the scheduler core, protected stacks and the sync primitives.
GUEST_SRCS += guest/sched/runq.c guest/sched/timerq.c \
	guest/sched/wakelist.c guest/sched/placement.c guest/sched/stack.c \
	guest/sched/sched.c guest/sched/idle.c guest/sched/wake.c \
	guest/sched/thread.c guest/sched/thread_info.c guest/sched/waitq.c \
	guest/sched/mutex.c guest/sched/cond.c

UNIT_TESTS += prio runq timerq wakelist placement
UNIT_prio := tests/unit/test_prio.c
UNIT_runq := tests/unit/test_runq.c guest/sched/runq.c
UNIT_timerq := tests/unit/test_timerq.c guest/sched/timerq.c
UNIT_wakelist := tests/unit/test_wakelist.c guest/sched/wakelist.c
# ThreadSanitizer stress programs (make tsan): sources of tsan_NAME.
TSAN_TESTS += lockfree
TSAN_lockfree := tests/unit/tsan_lockfree.c guest/sched/wakelist.c
UNIT_placement := tests/unit/test_placement.c guest/sched/placement.c
