# SPDX-License-Identifier: MIT
# x86-64: boot head, descriptors, traps, APIC, timer, SMP, paging, switch;
# and the x86-only hypervisor backends.
ARCH_CFLAGS := -m64 -march=x86-64 -mno-red-zone -mgeneral-regs-only \
	-mcmodel=small -fno-asynchronous-unwind-tables
ARCH_ASFLAGS := -m64
ARCH_LDS := arch/x86_64/kernel.ld
ARCH_LDFLAGS := -static -no-pie
GUEST_SRCS += arch/x86_64/head.S arch/x86_64/trampoline.S \
	arch/x86_64/entry.S arch/x86_64/switch.S arch/x86_64/boot.c \
	arch/x86_64/serial.c arch/x86_64/traps.c arch/x86_64/apic.c \
	arch/x86_64/timer.c arch/x86_64/smp.c arch/x86_64/paging.c arch/x86_64/user.c \
	virt/pvclock.c virt/kvm/kvm.c virt/xen/common.c virt/xen/runstate.c virt/xen/ipi.c virt/xen/x86_64.c virt/xen/time.c virt/xen/evtchn.c virt/xen/upcall_x86.c \
	virt/xen/smp.c virt/xen/console.c virt/xen/acpi_quirk.c \
	virt/xen/debug.c
