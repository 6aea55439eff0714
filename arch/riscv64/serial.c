/* SPDX-License-Identifier: MIT */
/* The NS16550 UART console of QEMU virt (address from the device tree),
 * polled output; the SBI debug console (DBCN) when there is no UART. */
#include "arch.h"
#include "arch/riscv64/cpu.h"
#include "arch/riscv64/dt.h"

#define UART_THR 0
#define UART_LSR 5
#define LSR_THRE 0x20

static uintptr_t uart;
static unsigned shift;
static bool dbcn;

void serial_init(void)
{
	uart = dt.uart_base;
	shift = dt.uart_shift;
	dbcn = !uart && sbi_has(SBI_EXT_DBCN);
}

static void serial_putc(char c)
{
	while (!(mmio_read8(uart + (UART_LSR << shift)) & LSR_THRE))
		arch_cpu_relax();
	mmio_write8(uart + (UART_THR << shift), (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	if (dbcn) {
		for (size_t i = 0; i < n; i++) /* console_write_byte */
			sbi_call(LEDGER_HYPERCALL, SBI_EXT_DBCN, 2, (uint8_t)s[i], 0, 0, 0);
		return;
	}
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
