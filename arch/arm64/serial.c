/* SPDX-License-Identifier: MIT */
/* The PL011 UART console (address from the device tree), polled output. */
#include "arch.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTFR_TXFF (1u << 5)

static volatile uint32_t *uart;

void serial_init(uint64_t base)
{
	uart = (volatile uint32_t *)(uintptr_t)base;
}

static void serial_putc(char c)
{
	while (uart[UARTFR / 4] & UARTFR_TXFF)
		arch_cpu_relax();
	uart[UARTDR / 4] = (uint8_t)c;
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
