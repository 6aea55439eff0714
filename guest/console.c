/* SPDX-License-Identifier: MIT */
/* kprintf() and the console lock; output goes to virt or, early, arch. */
#include "arch.h"
#include "virt.h"
#include "guest/console.h"
#include "guest/lib/printf.h"
#include "guest/spinlock.h"

static struct spinlock console_lock = SPINLOCK_INIT;
static bool panic_mode;

void console_panic_mode(void) { panic_mode = true; }

void console_write(const char *s, size_t n)
{
	unsigned long f = arch_irq_save();
	bool locked = true;

	if (panic_mode) {
		/* Bounded: the holder may be a CPU the panic stopped. */
		int tries = 1000000;

		while (!spin_trylock(&console_lock) && --tries)
			arch_cpu_relax();
		locked = tries != 0;
	} else {
		spin_lock(&console_lock);
	}
	if (virt && virt->console_write)
		virt->console_write(s, n);
	else
		arch_console_write(s, n);
	if (locked)
		spin_unlock(&console_lock);
	arch_irq_restore(f);
}

void kvprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);

	if (n >= (int)sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n'; /* truncated: still end the line */
	}
	if (n > 0)
		console_write(buf, (size_t)n);
}

void kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}
