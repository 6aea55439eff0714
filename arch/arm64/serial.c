/* SPDX-License-Identifier: MIT */
/* The PL011 UART console (address from the device tree), polled output. */
#include "arch.h"
#include "arch/arm64/cpu.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)

static uintptr_t uart;

void serial_init(uint64_t base)
{
	uart = base;
}

static void serial_putc(char c)
{
	while (mmio_read32(uart + UARTFR) & UARTFR_TXFF)
		arch_cpu_relax();
	mmio_write32(uart + UARTDR, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	if (!uart)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}
