# SPDX-License-Identifier: MIT
# libFuzzer targets over hv's ELF/PVH loader and option parser.
#   make fuzz                 build both, run each FUZZ_SECONDS (default 20)
#                             from the checked-in corpus (tests/fuzz/corpus/)
#   make fuzz FUZZ_SECONDS=600
# New inputs go to build/fuzz/corpus-NAME; a crash leaves
# build/fuzz/crash-NAME-* and fails the target (copy it into the corpus as a
# regression once fixed). tests/fuzz/mkseeds.py regenerates the seeds.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 20
FUZZ_BUILD := build/fuzz
FUZZ_TARGETS := elf opts
FUZZ_SRCS_elf := tests/fuzz/fuzz_elf.c hv/elf.c
FUZZ_SRCS_opts := tests/fuzz/fuzz_opts.c hv/opts.c hv/boot.c hv/acpi.c
FUZZ_CFLAGS = -std=gnu11 -O1 -g $(WARN) -Iinclude -I. \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer

define fuzz_rule
$(FUZZ_BUILD)/fuzz_$(1): $(FUZZ_SRCS_$(1)) $(wildcard hv/*.h)
	@mkdir -p $(FUZZ_BUILD)/corpus-$(1)
	$(FUZZ_CC) $$(FUZZ_CFLAGS) -o $$@ $(FUZZ_SRCS_$(1)) -lm
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz
fuzz: $(addprefix $(FUZZ_BUILD)/fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=4096 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crash-$$t- \
	    $(FUZZ_BUILD)/corpus-$$t tests/fuzz/corpus/$$t \
	    >$(FUZZ_BUILD)/fuzz_$$t.log 2>&1 || \
	  { tail -40 $(FUZZ_BUILD)/fuzz_$$t.log; \
	    echo "fuzz_$$t FAILED: see $(FUZZ_BUILD)/fuzz_$$t.log"; exit 1; }; \
	  grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' \
	    $(FUZZ_BUILD)/fuzz_$$t.log | tail -1; \
	done
