/* SPDX-License-Identifier: MIT */
/*
 * Xen console output: the console_io hypercall when we are dom0 (Xen owns
 * the UART), else the PV console ring that the toolstack's xenconsoled
 * serves for a domU (HVM_PARAM_CONSOLE_PFN / HVM_PARAM_CONSOLE_EVTCHN).
 */
#include "arch.h"
#include "guest/lib/printf.h"
#include "virt/xen/xen.h"

#define RING_WAIT_YIELDS 100000 /* then drop output rather than hang */

static volatile struct xencons_interface *ring;
static unsigned ring_port;
static bool use_ring;
static bool ring_stuck; /* the backend stopped reading: write nothing */

static int hvm_param(unsigned index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	int rc = xen_hvm_op(HVMOP_get_param, &p);

	*value = rc ? 0 : p.value;
	return rc;
}

/* After the hypercall page and XENVER_get_features, before any output
 * that should reach the user. */
void xen_console_init(void)
{
	uint64_t pfn, port;

	if (xen_is_dom0)
		return;
	/* The ring page must be inside the identity-mapped 4 GiB. */
	if (hvm_param(HVM_PARAM_CONSOLE_PFN, &pfn) || !pfn ||
	    pfn >= (1ull << (32 - PAGE_SHIFT)) ||
	    hvm_param(HVM_PARAM_CONSOLE_EVTCHN, &port) || !port)
		return; /* no ring: console_io (debug hypervisors let domUs) */
	ring = (volatile void *)(uintptr_t)(pfn << PAGE_SHIFT);
	ring_port = (unsigned)port;
	use_ring = true;
}

const char *xen_console_describe(void)
{
	return use_ring ? "PV console ring (domU)" : "console_io hypercall";
}

/* Free bytes in the output ring, waiting (kicking the backend and
 * yielding) while it is full. */
static uint32_t ring_space(void)
{
	for (int i = 0; i < RING_WAIT_YIELDS; i++) {
		/* Acquire: the backend read the bytes before it moved
		 * out_cons. */
		uint32_t cons = __atomic_load_n(&ring->out_cons,
						__ATOMIC_ACQUIRE);
		uint32_t used = ring->out_prod - cons;

		if (used < sizeof(ring->out))
			return sizeof(ring->out) - used;
		xen_evtchn_send(ring_port);
		xen_sched_op(SCHEDOP_yield, NULL);
	}
	ring_stuck = true;
	return 0;
}

static void ring_putc(char ch)
{
	uint32_t prod = ring->out_prod;

	if (ring_stuck || !ring_space())
		return;
	ring->out[MASK_XENCONS_IDX(prod, ring->out)] = ch;
	/* Release: the byte is in the ring before the index says so. */
	__atomic_store_n(&ring->out_prod, prod + 1, __ATOMIC_RELEASE);
}

/* Console lock held by the caller. */
void xen_console_write(const char *s, size_t n)
{
	if (!xen_hypercalls_ready()) {
		arch_console_write(s, n); /* only before xen_early_init() */
		return;
	}
	if (!use_ring) {
		xen_console_io(CONSOLEIO_write, (unsigned)n, s);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			ring_putc('\r'); /* xl console's terminal wants CR LF */
		ring_putc(s[i]);
	}
	xen_evtchn_send(ring_port);
}
