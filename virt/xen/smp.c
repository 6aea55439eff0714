/* SPDX-License-Identifier: MIT */
/*
 * Xen SMP on x86: secondary vCPUs started with VCPUOP_initialise (32-bit
 * flat protected mode at the arch's AP entry) and VCPUOP_up.
 */
#include "arch.h"
#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"

#define CR0_PE 0x01u
#define CR0_ET 0x10u
/* Segment attributes as in hvm_vcpu.h: type | s << 4 | p << 7 | db << 10
 * | g << 11. Flat 4 GiB 32-bit code and data; a busy 32-bit TSS. */
#define AR_CODE32 0xc9bu
#define AR_DATA32 0xc93u
#define AR_TSS32 0x08bu

int xen_cpuid_vcpu_id(void)
{
	struct cpuid_regs r;

	if (cpuid(xen_cpuid_base, 0).eax < xen_cpuid_base + 4)
		return -1;
	r = cpuid(xen_cpuid_base + 4, 0);
	return r.eax & XEN_HVM_CPUID_VCPU_ID_PRESENT ? (int)r.ebx : -1;
}

static void ap_context(struct vcpu_hvm_context *ctx, uint32_t eip, uint32_t esp)
{
	struct vcpu_hvm_x86_32 *r = &ctx->cpu_regs.x86_32;

	*ctx = (struct vcpu_hvm_context){.mode = VCPU_HVM_MODE_32B};
	r->eip = eip;
	r->esp = esp;
	r->cr0 = CR0_PE | CR0_ET;
	r->cs_limit = r->ds_limit = r->ss_limit = r->es_limit = UINT32_MAX;
	r->cs_ar = AR_CODE32;
	r->ds_ar = r->ss_ar = r->es_ar = AR_DATA32;
	r->tr_limit = 0x67;
	r->tr_ar = AR_TSS32;
}

/* virt_ops.cpu_start: same contract as arch_cpu_start(). Xen's PVH MADT
 * lists vCPU i with APIC id 2 * i in vCPU order, so logical id == vCPU id;
 * each vCPU checks that again through CPUID in xen_cpu_init(). */
int xen_cpu_start(unsigned id, uint32_t hw_id, void *stack_top)
{
	struct vcpu_hvm_context ctx;
	struct cpu *c = cpu_get(id);
	const char *step = "VCPUOP_initialise";
	int rc;

	if (!c || id == 0 || (uintptr_t)stack_top > UINT32_MAX)
		return -EINVAL;
	if (hw_id != 2 * id)
		kprintf("vsched: xen: vCPU %u has APIC id %u, not %u as Xen's"
			" MADT gives\n", id, hw_id, 2 * id);
	ap_context(&ctx, smp_ap_prepare(id, stack_top),
		   (uint32_t)(uintptr_t)stack_top);
	rc = xen_vcpu_op(VCPUOP_initialise, xen_vcpu_id(c), &ctx);
	if (!rc) {
		step = "VCPUOP_up";
		rc = xen_vcpu_op(VCPUOP_up, xen_vcpu_id(c), NULL);
	}
	if (rc) {
		kprintf("vsched: xen: %s of vCPU %u failed: %d\n", step, id,
			rc);
		return rc;
	}
	return smp_ap_wait_online(id);
}
