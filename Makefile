# SPDX-License-Identifier: MIT
# vsched: one Makefile for the guest kernel, the hv launcher and the tests.
#   make            build/$(ARCH)/vsched.elf (arm64: also vsched.bin, the
#                   flat image with the Linux arm64 header) and build/hv/hv
#   make ARCH=arm64 the arm64 guest (tools/deps.sh --arm64 first)
#   make unit       host unit tests (Criterion), then make tsan
#   make tsan       the lock-free stress tests under ThreadSanitizer
#   make test       everything: deps, both arches, unit tests, hv against
#                   hostile guests and options, fuzzing (make fuzz), guest
#                   suites on all backends, the quick latency lab with its
#                   instruction budgets
#   make run        the main job: boot the guest and print its latency report

ARCH ?= x86_64
.DEFAULT_GOAL := all
BUILD := build/$(ARCH)
HOSTBUILD := build/hv
UNITBUILD := build/unit

CC_x86_64 ?= gcc
CC_arm64 ?= aarch64-linux-gnu-gcc
CC_riscv64 ?= riscv64-linux-gnu-gcc
CC_GUEST := $(CC_$(ARCH))
HOSTCC ?= gcc
# libgcc, unless the arch provides its own helpers (riscv64: libgcc.c).
ARCH_LIBGCC ?= -lgcc
GCC_INC := $(shell $(CC_GUEST) -print-file-name=include)

# Per-folder source lists. Each fragment appends to GUEST_SRCS (portable,
# arch and virt sources of the kernel), HV_SRCS, or UNIT_TESTS.
GUEST_SRCS :=
HV_SRCS :=
UNIT_TESTS :=
TSAN_TESTS :=
include guest/files.mk
include guest/lib/files.mk
include guest/mm/files.mk
include guest/sched/files.mk
include guest/domain/files.mk
include guest/bench/files.mk
include tests/guest/files.mk
include virt/files.mk
include arch/$(ARCH)/arch.mk
include hv/files.mk
include tests/hv/hv.mk
include tests/fuzz/fuzz.mk
include arch/arm64/unit.mk
include arch/riscv64/unit.mk

WARN := -Wall -Wextra -Werror -Wno-unused-parameter
GUEST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -nostdinc \
	-isystem $(GCC_INC) -isystem $(BUILD)/sysinc -Iinclude -Iinclude/libc \
	-I. -fno-pie -fno-stack-protector -fno-omit-frame-pointer \
	-fno-strict-aliasing -fno-common -MMD -MP $(ARCH_CFLAGS)
GUEST_ASFLAGS := -g -I. -Iinclude -isystem $(BUILD)/sysinc -MMD -MP \
	-D__ASSEMBLY__ $(ARCH_ASFLAGS)

GUEST_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(filter %.c,$(GUEST_SRCS))) \
	$(patsubst %.S,$(BUILD)/%.o,$(filter %.S,$(GUEST_SRCS)))
KERNEL := $(BUILD)/vsched.elf

HOST_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Iinclude -I. -MMD -MP -pthread
HV := $(HOSTBUILD)/hv
HV_OBJS := $(patsubst %.c,build/host/%.o,$(HV_SRCS))

UNIT_BASE_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Iinclude -I. -pthread \
	-DHOST_TEST -fno-omit-frame-pointer
# A unit test is one compiler command over several sources, where -MMD
# would keep only the last source's headers: its .d lists them all.
unit_deps = $(HOSTCC) $(UNIT_BASE_CFLAGS) -MM -MP -MT $(1) $(2) > $(1).d
UNIT_CFLAGS := $(UNIT_BASE_CFLAGS) -fsanitize=address,undefined
UNIT_BINS := $(addprefix $(UNITBUILD)/test_,$(UNIT_TESTS))
# TSan cannot share a binary with ASan: its own build of TSAN_TESTS.
TSANBUILD := build/tsan
TSAN_CFLAGS := $(UNIT_BASE_CFLAGS) -fsanitize=thread
TSAN_BINS := $(addprefix $(TSANBUILD)/tsan_,$(TSAN_TESTS))

.PHONY: overcommit all unit tsan test run bench deps clean scaling tracetest hosttest
all: $(KERNEL) $(ARCH_IMAGES) $(HV)

# Public ABI headers (Xen from libxen-dev, Linux UAPI for KVM) are reached
# through a private include dir so the guest still builds with -nostdinc.
$(BUILD)/sysinc/.stamp:
	@mkdir -p $(BUILD)/sysinc
	@for d in $(or $(ARCH_SYSINC),xen linux asm asm-generic); do \
	  src=/usr/include/$$d; [ $$d = asm ] && src=/usr/include/x86_64-linux-gnu/asm; \
	  [ -d $$src ] || { echo "missing $$src: run tools/deps.sh" >&2; exit 1; }; \
	  ln -sfn $$src $(BUILD)/sysinc/$$d; done
	@touch $@

$(BUILD)/%.o: %.c $(BUILD)/sysinc/.stamp
	@mkdir -p $(dir $@)
	$(CC_GUEST) $(GUEST_CFLAGS) -c $< -o $@
# User-mode code (guest/domain/domain.h): position independent, since each
# domain maps it at its own address, and self-contained.
USER_CFLAGS := -fpie -fvisibility=hidden -fno-jump-tables $(ARCH_USER_CFLAGS)
$(BUILD)/%.user.o: %.user.c $(BUILD)/sysinc/.stamp
	@mkdir -p $(dir $@)
	$(CC_GUEST) $(GUEST_CFLAGS) $(USER_CFLAGS) -c $< -o $@
$(BUILD)/%.o: %.S $(BUILD)/sysinc/.stamp
	@mkdir -p $(dir $@)
	$(CC_GUEST) $(GUEST_ASFLAGS) -c $< -o $@

$(KERNEL): $(GUEST_OBJS) $(ARCH_LDS) $(ARCH_LIBS)
	$(CC_GUEST) -nostdlib $(ARCH_LDFLAGS) -Wl,-T,$(ARCH_LDS) \
		-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack \
		-Wl,--no-warn-rwx-segments -Wl,--build-id=none \
		-o $@ $(GUEST_OBJS) $(ARCH_LIBS) $(ARCH_LIBGCC)

build/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOST_CFLAGS) -c $< -o $@
$(HV): $(HV_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -pthread -o $@ $(HV_OBJS)

# Unit test NAME is built from UNIT_NAME (its sources) + the host arch shim.
# Optional per test: UNIT_CFLAGS_NAME, UNIT_LIBS_NAME, UNIT_DEPS_NAME (data).
define unit_rule
$(UNITBUILD)/test_$(1): $(UNIT_$(1)) tests/unit/host_arch.c $(UNIT_DEPS_$(1))
	@mkdir -p $(UNITBUILD)
	$(HOSTCC) $(UNIT_CFLAGS) $(UNIT_CFLAGS_$(1)) -o $$@ $$(filter %.c,$$^) \
		-lcriterion $(UNIT_LIBS_$(1))
	@$$(call unit_deps,$$@,$(UNIT_CFLAGS_$(1)) $$(filter %.c,$$^))
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

# TSan stress NAME: a plain program (Criterion's runner does not start
# under TSan) from TSAN_NAME + the host arch shim.
define tsan_rule
$(TSANBUILD)/tsan_$(1): $(TSAN_$(1)) tests/unit/host_arch.c
	@mkdir -p $(TSANBUILD)
	$(HOSTCC) $(TSAN_CFLAGS) -o $$@ $$(filter %.c,$$^)
	@$$(call unit_deps,$$@,$$(filter %.c,$$^))
endef
$(foreach t,$(TSAN_TESTS),$(eval $(call tsan_rule,$(t))))

unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do $$t --jobs 2 || fail=1; done; \
	  [ $$fail = 0 ] || { echo "unit tests FAILED"; exit 1; }
	@$(MAKE) --no-print-directory tsan

# A data race TSan sees fails the test (exit code 66).
tsan: $(TSAN_BINS)
	@fail=0; for t in $(TSAN_BINS); do \
	  TSAN_OPTIONS="halt_on_error=1 exitcode=66" $$t || fail=1; \
	  done; [ $$fail = 0 ] || { echo "tsan tests FAILED"; exit 1; }

deps:
	@tools/deps.sh --arm64 --riscv64

# Everything: every guest architecture, unit tests, every guest suite on
# every backend, the event trace, the scaling check, then the latency lab
# in quick mode, checked for sanity and its exact (icount) figures held to
# their instruction budgets, and its HTML report rendered in headless
# Chromium (every table and plot drawn; build/lab/report.png).
test: deps
	@$(MAKE) --no-print-directory all unit
	@$(MAKE) --no-print-directory ARCH=arm64 all
	@$(MAKE) --no-print-directory ARCH=riscv64 all
	@tools/kvm-selftests --check-samples
	@$(MAKE) --no-print-directory hvtest fuzz hosttest
	@tools/testall
	@$(MAKE) --no-print-directory tracetest
	@$(MAKE) --no-print-directory scaling
	@tools/lab --quick --check --budgets tests/budgets.cfg --out build/lab
	@tools/report-check build/lab
	@python3 tests/report/broken.py build/lab build/lab-broken; \
	  if tools/report-check build/lab-broken; then echo "report-check:" \
	    "a report with an empty plot and an empty table passed"; exit 1; \
	  else echo "report-check: a broken report fails, as it must"; fi
	@$(MAKE) --no-print-directory overcommit

# The host toolkit (tools/hostkit): the backend registry, the manifest
# parser on the real manifest and on broken ones, tools/testall's counts.
hosttest:
	@python3 -m unittest discover -s tests/hostkit

# The event trace end to end (tests/trace/check.py): 4-vCPU dumps from
# qemu-tcg, Xen and arm64 (QEMU and Xen) decode whole and hold every
# invariant and count; a wrapped ring and a panic's dump; the decoder on
# damaged dumps and the checker on broken ones.
tracetest:
	@python3 tests/trace/check.py

# The scheduler's per-op cost must not grow with the vCPU count (exact,
# under icount); a placement that reads every vCPU must fail the check.
scaling:
	@tools/scaling --vcpus 2,8 --check 10
	@tools/scaling --arch arm64 --vcpus 2,8 --check 10
	@tools/scaling --arch riscv64 --vcpus 2,8 --check 10
	@if tools/scaling --vcpus 2,8 --check 10 --bench yield,wake_remote \
	    --cmdline inject=walk_cpus --out build/scaling/inject >/dev/null; \
	  then echo "scaling: the check passed with inject=walk_cpus"; exit 1; \
	  else echo "scaling: inject=walk_cpus fails the check, as it must"; fi

# More vCPUs than physical CPUs under Xen, exact (icount): every vCPU gets
# steal time, and halt-and-kick spinlocks at least double the lock
# throughput of plain ones; a kick that never comes must fail the check
# (shown on x86 only: arm64 has no poll timeout, so its lost kicks wait
# for the next timer interrupt and the run takes two minutes; it fails
# there too).
overcommit:
	@tools/lab --scenario overcommit --quick --configs off,pvspin \
	    --backends xen-icount,arm64-xen-icount --check --out build/overcommit
	@out=$$(tools/lab --scenario overcommit --quick --configs off,pvspin \
	    --backends xen-icount --check --extra inject=pvspin_no_kick \
	    --out build/overcommit/inject 2>&1); \
	  if [ $$? = 0 ]; then echo "overcommit: the check passed with" \
	    "inject=pvspin_no_kick"; exit 1; fi; \
	  if ! echo "$$out" | grep -q "FAIL xen-icount lock_handoff ops_per_s" \
	    || echo "$$out" | grep "FAIL " | grep -qv "lock_handoff ops_per_s"; \
	  then \
	      echo "overcommit: inject=pvspin_no_kick failed otherwise:"; \
	      echo "$$out" | tail -20; exit 1; fi; \
	  echo "overcommit: inject=pvspin_no_kick fails the check, as it must"

# The lab in full (what the README's main command shows).
bench: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory ARCH=arm64 all
	@$(MAKE) --no-print-directory ARCH=riscv64 all
	@tools/lab

run: bench

clean:
	rm -rf build

-include $(GUEST_OBJS:.o=.d) $(HV_OBJS:.o=.d) $(UNIT_BINS:=.d) $(TSAN_BINS:=.d)
