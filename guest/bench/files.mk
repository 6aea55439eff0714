# SPDX-License-Identifier: MIT
# guest/bench: histogram, the benchmark table and runner, the benchmarks.
GUEST_SRCS += guest/bench/hist.c guest/bench/bench.c guest/bench/floors.c \
	guest/bench/sched_benches.c guest/bench/overcommit.c \
	guest/bench/throughput.c

UNIT_TESTS += hist
UNIT_hist := tests/unit/test_hist.c guest/bench/hist.c guest/lib/sort.c
