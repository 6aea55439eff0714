/* SPDX-License-Identifier: MIT */
/* COM1 (16550 at 0x3f8), polled transmit; and the debug-exit port. */
#include "arch.h"
#include "arch/x86_64/cpu.h"

#define COM1 0x3f8
#define DEBUG_EXIT_PORT 0xf4

void serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts */
	outb(COM1 + 3, 0x80); /* DLAB */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1 */
	outb(COM1 + 2, 0xc7); /* FIFO on, cleared */
	outb(COM1 + 4, 0x03); /* DTR, RTS */
}

static void serial_putc(char c)
{
	/* Bounded wait for THR empty: a missing UART must not hang us. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		arch_cpu_relax();
	outb(COM1, (uint8_t)c);
}

void arch_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			serial_putc('\r');
		serial_putc(s[i]);
	}
}

__noreturn void arch_exit(int code)
{
	/* QEMU isa-debug-exit: status (code << 1) | 1; hv: status code. */
	outl(DEBUG_EXIT_PORT, (uint32_t)code);
	arch_halt_forever();
}
