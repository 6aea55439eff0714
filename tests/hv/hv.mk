# SPDX-License-Identifier: MIT
# hv against hostile guests and hostile command lines (tests/hv/hostile.sh).
#   make hvtest     build the tiny hostile PVH guests and an ASan/UBSan hv,
#                   run every case, print one verdict per case and a total
HOSTILE_DIR := tests/hv/hostile
HOSTILE_BUILD := build/hostile
HOSTILE_ELFS := $(patsubst $(HOSTILE_DIR)/%.S,$(HOSTILE_BUILD)/%.elf,\
	$(wildcard $(HOSTILE_DIR)/*.S))
HV_ASAN := build/hv-asan/hv

# x86-64 only, whatever ARCH is: they run under hv on this host.
$(HOSTILE_BUILD)/%.elf: $(HOSTILE_DIR)/%.S $(HOSTILE_DIR)/pvh.h \
		$(HOSTILE_DIR)/hostile.ld
	@mkdir -p $(dir $@)
	$(HOSTCC) -nostdlib -static -no-pie -Wl,-T,$(HOSTILE_DIR)/hostile.ld \
		-Wl,--build-id=none -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
		-o $@ $<

# hv with AddressSanitizer (LeakSanitizer at exit) and UBSan.
$(HV_ASAN): $(HV_SRCS) $(wildcard hv/*.h)
	@mkdir -p $(dir $@)
	$(HOSTCC) -std=gnu11 -O1 -g $(WARN) -Iinclude -I. -pthread \
		-fsanitize=address,undefined -fno-sanitize-recover=undefined \
		-fno-omit-frame-pointer -o $@ $(HV_SRCS)

.PHONY: hvtest
hvtest: $(HV) $(HV_ASAN) $(HOSTILE_ELFS)
	@tests/hv/hostile.sh --hv $(HV_ASAN) --guests $(HOSTILE_BUILD)
