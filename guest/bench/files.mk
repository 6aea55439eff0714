# SPDX-License-Identifier: MIT
# guest/bench: histogram, the BENCH line formats (shared with
# tools/linuxref), the benchmark table and runner, the benchmarks.
GUEST_SRCS += guest/bench/hist.c guest/bench/benchfmt.c guest/bench/bench.c guest/bench/floors.c \
	guest/bench/sched_benches.c guest/bench/overcommit.c \
	guest/bench/throughput.c guest/bench/domain_benches.c \
	guest/bench/domain_benches.user.c

UNIT_TESTS += hist benchfmt
UNIT_hist := tests/unit/test_hist.c guest/bench/hist.c guest/lib/sort.c
UNIT_benchfmt := tests/unit/test_benchfmt.c guest/bench/benchfmt.c \
	guest/lib/printf.c
