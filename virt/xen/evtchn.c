/* SPDX-License-Identifier: MIT */
/*
 * Xen event channels, 2-level ABI, the same on x86 and arm64: the upcall's
 * scan of evtchn_pending_sel and the pending & ~mask words of shared_info,
 * binding, masking, and the port -> handler table. How the upcall arrives
 * is per arch: upcall_x86.c (vector), arm64.c (the device tree's PPI).
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)
#define NR_PORTS 1024 /* of the 2-level ABI's 4096: 16 per vCPU is plenty */

/* Written before the port is unmasked; read by the upcall on cpu. */
struct port_handler {
	xen_port_fn fn;
	uintptr_t arg;
	unsigned cpu;   /* logical CPU = Xen vCPU the port is bound to */
};

static struct port_handler handlers[NR_PORTS];
static uint64_t unknown_events; /* pending ports nobody bound: masked */

static void dispatch(struct cpu *c, unsigned port)
{
	struct port_handler *h = &handlers[port];

	xen_pcpu(c)->events++;
	h->fn(port, h->arg);
}

/* Ports of word w pending and unmasked for this vCPU; others' ports in
 * the same word stay pending for their own vCPU's scan. */
static void scan_word(struct cpu *c, unsigned w)
{
	volatile xen_ulong_t *pending = &xen_shared->evtchn_pending[w];
	xen_ulong_t bits = *pending & ~xen_shared->evtchn_mask[w];

	while (bits) {
		unsigned b = __builtin_ctzl(bits), port = w * BITS_PER_WORD + b;
		xen_ulong_t bit = (xen_ulong_t)1 << b;

		bits &= bits - 1;
		if (port < NR_PORTS && handlers[port].fn) {
			if (handlers[port].cpu != c->id)
				continue;
		} else {
			/* Nobody asked for it: silence it for good. */
			xen_evtchn_mask(port);
			unknown_events++;
		}
		/* Clear before handling: an event raised meanwhile is seen
		 * on the next pass, not lost. */
		__atomic_fetch_and(pending, ~bit, __ATOMIC_SEQ_CST);
		if (port < NR_PORTS && handlers[port].fn)
			dispatch(c, port);
	}
}

/* The upcall's body, on the interrupted vCPU with IRQs off (whatever
 * delivers it: x86 vector, arm64 PPI). One pass only: an event posted
 * meanwhile (a deadline already past fires inside its own hypercall) sets
 * evtchn_upcall_pending 0 -> 1 again, and Xen raises a new upcall that is
 * taken after kernel_irq_exit() has run. Looping here instead would starve
 * the reschedule the timer asked for. */
void xen_evtchn_upcall(struct cpu *c)
{
	volatile struct vcpu_info *vi = xen_pcpu(c)->vcpu_info;
	xen_ulong_t sel;

	xen_pcpu(c)->upcalls++;
	/* Clear the flag before reading the selector: Xen sets the flag
	 * again for any event it posts after this (struct vcpu_info in
	 * xen/xen.h). */
	vi->evtchn_upcall_pending = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
	while (sel) {
		unsigned w = __builtin_ctzl(sel);

		sel &= sel - 1;
		scan_word(c, w);
	}
}

void xen_evtchn_rescan(struct cpu *c)
{
	volatile struct vcpu_info *vi = xen_pcpu(c)->vcpu_info;

	if (!vi)
		return;
	/* The lost upcall may have run part-way: flag cleared, selector
	 * taken, some ports not yet scanned. Those stay pending, and Xen
	 * signals a port only when it becomes pending: scan every word. */
	__atomic_fetch_or(&vi->evtchn_pending_sel, ~(xen_ulong_t)0,
			  __ATOMIC_SEQ_CST);
	xen_evtchn_upcall(c);
}

void xen_evtchn_clear_pending(struct cpu *c)
{
	volatile struct vcpu_info *vi = xen_pcpu(c)->vcpu_info;

	/* Registration marks everything pending "so nothing is lost"; none
	 * of this vCPU's ports exist yet, and a stale selector would stop
	 * Xen from ever raising the upcall again. */
	vi->evtchn_upcall_pending = 0;
	__atomic_store_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* Record the handler, then unmask: no event reaches a half-set port. */
static int install(int port, unsigned vcpu, xen_port_fn fn, uintptr_t arg)
{
	struct evtchn_close close;
	int rc;

	if (port < 0)
		return port;
	if (port >= NR_PORTS) {
		close.port = (evtchn_port_t)port;
		xen_evtchn_op(EVTCHNOP_close, &close);
		return -ENOSPC;
	}
	handlers[port] = (struct port_handler){fn, arg, vcpu};
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	rc = xen_evtchn_unmask((unsigned)port);
	return rc ? rc : port;
}

int xen_evtchn_bind_virq(unsigned virq, unsigned vcpu, xen_port_fn fn,
			 uintptr_t arg)
{
	struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
	int rc = xen_evtchn_op(EVTCHNOP_bind_virq, &b);

	return install(rc ? rc : (int)b.port, vcpu, fn, arg);
}

int xen_evtchn_bind_ipi(unsigned vcpu, xen_port_fn fn, uintptr_t arg)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu};
	int rc = xen_evtchn_op(EVTCHNOP_bind_ipi, &b);

	return install(rc ? rc : (int)b.port, vcpu, fn, arg);
}

int xen_evtchn_send(unsigned port)
{
	struct evtchn_send s = {.port = port};

	return xen_evtchn_op(EVTCHNOP_send, &s);
}

void xen_evtchn_mask(unsigned port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % BITS_PER_WORD);

	__atomic_fetch_or(&xen_shared->evtchn_mask[port / BITS_PER_WORD], bit,
			  __ATOMIC_SEQ_CST);
}

/* Through Xen, which re-raises the upcall if the port became pending
 * while masked (the edge would otherwise be lost). */
int xen_evtchn_unmask(unsigned port)
{
	struct evtchn_unmask u = {.port = port};

	return xen_evtchn_op(EVTCHNOP_unmask, &u);
}

bool xen_evtchn_is_masked(unsigned port)
{
	return READ_ONCE(xen_shared->evtchn_mask[port / BITS_PER_WORD]) &
	       ((xen_ulong_t)1 << (port % BITS_PER_WORD));
}

bool xen_evtchn_is_pending(unsigned port)
{
	return READ_ONCE(xen_shared->evtchn_pending[port / BITS_PER_WORD]) &
	       ((xen_ulong_t)1 << (port % BITS_PER_WORD));
}

bool xen_evtchn_test_and_clear(unsigned port)
{
	xen_ulong_t bit = (xen_ulong_t)1 << (port % BITS_PER_WORD);

	return __atomic_fetch_and(&xen_shared->evtchn_pending[port / BITS_PER_WORD],
				  ~bit, __ATOMIC_SEQ_CST) & bit;
}

uint64_t xen_evtchn_unknown_events(void) { return unknown_events; }
