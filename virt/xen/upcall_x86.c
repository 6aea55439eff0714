/* SPDX-License-Identifier: MIT */
/*
 * x86 upcall delivery: vector VEC_XEN_UPCALL, per vCPU through
 * HVMOP_set_evtchn_upcall_vector, or domain-wide through the callback-via
 * vector (HVM_PARAM_CALLBACK_IRQ) as the fallback.
 */
#include <string.h>

#include "arch.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"
#include "arch/x86_64/asm.h"
#include "arch/x86_64/traps.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_ENUM("xen_upcall", OPT_WORDS("auto", "callback"), "auto",
	 "Xen: event delivery (callback: the domain's callback vector)"));

static enum {
	UPCALL_NONE,
	UPCALL_VECTOR,   /* per vCPU: HVMOP_set_evtchn_upcall_vector */
	UPCALL_CALLBACK, /* domain-wide: HVM_PARAM_CALLBACK_IRQ, vector type */
} upcall_mode;

/*
 * Seen under Xen 4.17 nested in QEMU TCG: an upcall delivered inside the
 * interrupt shadow of "sti; hlt", returning to the hlt itself. The idle
 * loop then halts although the interrupt asked it to reschedule (a lost
 * wakeup until some unrelated event). Resume after the hlt instead, as if
 * the interrupt had woken it, which is what hardware does.
 */
static void skip_hlt(struct cpu *c, struct arch_regs *regs)
{
	const volatile uint8_t *ip = (const volatile uint8_t *)regs->rip;

	/* Only the kernel's idle hlt: a user address is not read. */
	if (!(regs->cs & 3) && ip[0] == 0xf4) { /* hlt */
		regs->rip++;
		xen_pcpu(c)->hlt_skips++;
	}
}

/* The upcall vector's handler (IRQs off; the arch sends the EOI). */
static void xen_upcall(struct arch_regs *regs)
{
	struct cpu *c = this_cpu();

	skip_hlt(c, regs);
	xen_evtchn_upcall(c);
}

static int set_callback_via(void)
{
	struct xen_hvm_param p = {
		.domid = DOMID_SELF,
		.index = HVM_PARAM_CALLBACK_IRQ,
		.value = (uint64_t)HVM_PARAM_CALLBACK_TYPE_VECTOR << 56 |
			 VEC_XEN_UPCALL,
	};

	return xen_hvm_op(HVMOP_set_param, &p);
}

/* xen_upcall=callback skips the per-vCPU vector, to test the fallback. */
static bool callback_forced(void)
{
	return !strcmp(option_str("xen_upcall"), "callback");
}

int xen_upcall_cpu_init(unsigned vcpu)
{
	struct xen_hvm_evtchn_upcall_vector uv = {
		.vcpu = vcpu,
		.vector = VEC_XEN_UPCALL,
	};
	int rc;

	irq_set_handler(VEC_XEN_UPCALL, xen_upcall);
	if (upcall_mode == UPCALL_CALLBACK)
		return 0; /* domain-wide: set once, on the boot CPU */
	if (callback_forced()) {
		kprintf("vsched: xen: xen_upcall=callback: using"
			" HVM_PARAM_CALLBACK_IRQ\n");
	} else {
		rc = xen_hvm_op(HVMOP_set_evtchn_upcall_vector, &uv);
		if (rc == 0) {
			upcall_mode = UPCALL_VECTOR;
			return 0;
		}
		/* Worked for vCPU 0 but not here: no mixing of modes. */
		if (upcall_mode == UPCALL_VECTOR)
			return rc;
		kprintf("vsched: xen: HVMOP_set_evtchn_upcall_vector refused"
			" (%d): falling back to HVM_PARAM_CALLBACK_IRQ\n", rc);
	}
	rc = set_callback_via();
	if (rc == 0)
		upcall_mode = UPCALL_CALLBACK;
	return rc;
}

const char *xen_upcall_describe(void)
{
	if (upcall_mode == UPCALL_VECTOR)
		return "per-vCPU upcall vector 0xe0"
		       " (HVMOP_set_evtchn_upcall_vector)";
	return "the domain's callback vector 0xe0 (HVM_PARAM_CALLBACK_IRQ)";
}

