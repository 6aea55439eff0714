/* SPDX-License-Identifier: MIT */
/*
 * What every Xen guest does the same way on x86 and arm64: shared_info
 * (XENMEM_add_to_physmap), per-vCPU vcpu_info (VCPUOP_register_vcpu_info),
 * the version and command line, SCHEDOP_shutdown, the null hypercall, and
 * fatal set-up errors.
 */
#include "arch.h"
#include "guest/kernel.h"
#include "guest/lib/printf.h"
#include "guest/mm/page.h"
#include "guest/panic.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"

struct shared_info *xen_shared;
bool xen_is_dom0;
static struct vcpu_info *vcpu_infos; /* one page: MAX_CPUS x 64 bytes */

_Static_assert(sizeof(struct vcpu_info) <= 64, "vcpu_info layout"); /* 64 x86, 48 arm */
_Static_assert(MAX_CPUS * sizeof(struct vcpu_info) <= PAGE_SIZE,
	       "all vcpu_infos share one page");

__noreturn void xen_fail(const char *what, long rc)
{
	kprintf("vsched: xen: %s failed: %ld; cannot run on this Xen\n", what,
		rc);
	kernel_shutdown(EXIT_PANIC);
}

void xen_features_init(void)
{
	struct xen_feature_info fi = {.submap_idx = 0};

	if (xen_version(XENVER_get_features, &fi) == 0)
		xen_is_dom0 = fi.submap & (1u << XENFEAT_dom0);
}

/* shared_info replaces one of our RAM pages (Xen maps its own page at that
 * frame; the RAM behind it is given up), then the vcpu_info page. */
void xen_shared_info_init(void)
{
	uint64_t pa = page_alloc_zeroed(0);
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = pa >> PAGE_SHIFT,
	};
	int rc = pa ? xen_memory_op(XENMEM_add_to_physmap, &xatp) : -ENOMEM;

	if (rc)
		xen_fail("XENMEM_add_to_physmap(XENMAPSPACE_shared_info)", rc);
	xen_shared = (struct shared_info *)(uintptr_t)pa;
	pa = page_alloc_zeroed(0);
	if (!pa)
		xen_fail("allocating the vcpu_info page", -ENOMEM);
	vcpu_infos = (struct vcpu_info *)(uintptr_t)pa;
}

/* Register vCPU c's vcpu_info in our page; Xen then keeps its time and
 * event flags there instead of in shared_info (32 slots on x86, 1 on arm). */
void xen_vcpu_info_register(struct cpu *c)
{
	struct vcpu_info *vi = &vcpu_infos[c->id];
	struct vcpu_register_vcpu_info r = {
		.mfn = (uintptr_t)vcpu_infos >> PAGE_SHIFT,
		.offset = (uint32_t)((uintptr_t)vi & (PAGE_SIZE - 1)),
	};
	int rc = xen_vcpu_op(VCPUOP_register_vcpu_info, xen_vcpu_id(c), &r);

	if (rc)
		xen_fail("VCPUOP_register_vcpu_info", rc);
	xen_pcpu(c)->vcpu_info = vi;
}

void xen_version_string(char *buf, size_t n)
{
	xen_extraversion_t extra = {0};
	int v = xen_version(XENVER_version, NULL);

	xen_version(XENVER_extraversion, extra);
	extra[sizeof(extra) - 1] = 0;
	ksnprintf(buf, n, "%d.%d%s", v >> 16, v & 0xffff, extra);
}

void xen_print_cmdline(void)
{
	static char cmdline[sizeof(xen_commandline_t)];

	/* dom0 only: a domU is not told Xen's command line. */
	if (xen_version(XENVER_commandline, cmdline) == 0) {
		cmdline[sizeof(cmdline) - 1] = 0;
		kprintf("vsched: virt xen: Xen command line \"%s\"\n", cmdline);
	}
}

/* The cheapest round trip to Xen, for the floor benchmark. */
void xen_null_exit(void)
{
	xen_version(XENVER_version, NULL);
}

/* Poweroff when all passed, crash otherwise (kept by xl for a look). */
void xen_shutdown_hypercall(int code)
{
	struct sched_shutdown s = {
		.reason = code ? SHUTDOWN_crash : SHUTDOWN_poweroff,
	};

	xen_sched_op(SCHEDOP_shutdown, &s);
}
