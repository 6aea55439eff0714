/* SPDX-License-Identifier: MIT */
/* panic(): the first panicking vCPU stops the others and exits. */
#include "arch.h"
#include "virt.h"
#include "guest/backtrace.h"
#include "guest/console.h"
#include "guest/lib/printf.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "guest/trace.h"
#include "guest/audit.h"

static int panicking;

__noreturn void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	arch_irq_disable();
	/* Only the first panic speaks; a second one just stops its CPU. */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		arch_halt_forever();
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	console_panic_mode();
	if (cpu_online_count() > 1)
		arch_ipi_send_others(IPI_STOP);
	kprintf("PANIC on vCPU %u: %s\n", this_cpu() ? this_cpu()->id : 0, msg);
	backtrace_print(arch_frame_pointer());
	trace_dump(true); /* the last events before the panic */
	audit_dump(true);
	kprintf("vsched: stopped all vCPUs after a panic; exiting with code %d\n",
		EXIT_PANIC);
	if (virt)
		virt->shutdown(EXIT_PANIC);
	arch_exit(EXIT_PANIC);
}
