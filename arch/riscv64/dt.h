/* SPDX-License-Identifier: MIT */
/*
 * What the device tree told the riscv64 code (arch/riscv64/fdt.c fills it
 * at boot, through libfdt, before the DTB's memory is handed out).
 */
#ifndef ARCH_RISCV64_DT_H
#define ARCH_RISCV64_DT_H

#include "types.h"

struct boot_info;

struct dt_info {
	uint64_t uart_base;      /* NS16550 (stdout-path or first), 0: none */
	unsigned uart_shift;     /* its reg-shift */
	uint64_t test_base;      /* sifive,test0 (QEMU's exit device), 0: none */
	uint64_t plic_base;      /* the PLIC (device interrupts: unused), 0: none */
	bool hart_intc;          /* the boot hart has its riscv,cpu-intc: the
				  * local interrupts (timer, software) the
				  * kernel takes */
	uint64_t timebase_hz;    /* /cpus timebase-frequency: rdtime's rate */
	bool sstc;               /* the boot hart lists Sstc (stimecmp) */
	bool zkr;                /* the boot hart lists Zkr (the seed CSR) */
	char isa[96];            /* the boot hart's riscv,isa, cut */
};

extern struct dt_info dt;

/* Parse the DTB at fdt into bi (memory, command line, harts) and dt, the
 * boot hart's ISA from its own CPU node. 0 or -errno. */
int dt_parse(const void *fdt, uint64_t boot_hart, struct boot_info *bi,
	     struct dt_info *out);

#endif
