/* SPDX-License-Identifier: MIT */
/*
 * Xen steal time (x86 and arm64): each vCPU's runstate area
 * (VCPUOP_register_runstate_memory_area) in our memory, which Xen rewrites
 * whenever it schedules the vCPU in or out. Time spent runnable (waiting
 * for a physical CPU) or offline (paused by Xen) is stolen; blocked is our
 * own idle. A vCPU whose area says runnable is preempted right now.
 *
 * Xen brackets each rewrite with XEN_RUNSTATE_UPDATE in state_entry_time
 * (VMASST_TYPE_runstate_update_flag, asked for at boot); a reader retries
 * while it is set or while state_entry_time moved under it. Without the
 * flag only a vCPU's own area is safe to read that way (Xen rewrites it
 * only while the vCPU is not running); others' steal is then a
 * diagnostic, and nobody else is ever said to be preempted.
 */
#include "arch.h"
#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "virt/xen/xen.h"

/* 48 bytes in a 64-byte aligned slot each: no area crosses a page or
 * shares a cache line. Kernel-image memory: mapped at the same address in
 * every address space we use, as Xen translates the address with the
 * vCPU's page tables when it writes. */
static struct runstate_slot {
	struct vcpu_runstate_info info;
} __aligned(64) runstate[MAX_CPUS];
static uint64_t steal_base[MAX_CPUS]; /* steal at registration */
static bool update_flag;             /* Xen brackets its rewrites */
static bool tried;                   /* steal= on and asked Xen */

static uint64_t steal_of(const struct vcpu_runstate_info *r, int *state)
{
	uint64_t t, s;
	int st;

	do {
		t = __atomic_load_n(&r->state_entry_time, __ATOMIC_ACQUIRE);
		st = __atomic_load_n(&r->state, __ATOMIC_RELAXED);
		s = __atomic_load_n(&r->time[RUNSTATE_runnable], __ATOMIC_RELAXED) +
		    __atomic_load_n(&r->time[RUNSTATE_offline], __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((t & XEN_RUNSTATE_UPDATE) ||
		 t != __atomic_load_n(&r->state_entry_time, __ATOMIC_RELAXED));
	if (state)
		*state = st;
	return s;
}

uint64_t xen_steal_ns(unsigned cpu)
{
	if (cpu >= MAX_CPUS)
		return 0;
	return steal_of(&runstate[cpu].info, NULL) - steal_base[cpu];
}

/* Another vCPU's area is rewritten while we read it; without Xen's update
 * flag a torn read can pass the re-read test (Xen copies the whole area),
 * so then we do not guess. */
bool xen_vcpu_preempted(unsigned cpu)
{
	int state;

	if (cpu >= MAX_CPUS || (!update_flag && cpu != this_cpu()->id))
		return false;
	steal_of(&runstate[cpu].info, &state);
	return state == RUNSTATE_runnable;
}

/* Each vCPU for itself, in its cpu_init. The first failure (an old Xen,
 * an address it cannot translate) turns steal time off for every vCPU
 * before the scheduler starts; it is said once, never fatal. */
void xen_runstate_cpu_init(void)
{
	struct cpu *c = this_cpu();
	struct vcpu_register_runstate_memory_area a = {
		.addr.v = &runstate[c->id].info,
	};
	int rc;

	if (c->id == 0) {
		tried = option_bool("steal");
		if (!tried)
			return;
		update_flag = xen_vm_assist(VMASST_CMD_enable,
					    VMASST_TYPE_runstate_update_flag) == 0;
	} else if (!virt_steal_on) {
		return;
	}
	rc = xen_vcpu_op(VCPUOP_register_runstate_memory_area, xen_vcpu_id(c), &a);
	if (rc) {
		kprintf("vsched: xen: VCPUOP_register_runstate_memory_area on "
			"vCPU %u failed: %d; no steal time\n", c->id, rc);
		virt_steal_on = false;
		return;
	}
	steal_base[c->id] = steal_of(&runstate[c->id].info, NULL);
	if (c->id == 0)
		virt_steal_on = true;
}

const char *xen_runstate_describe(void)
{
	if (!tried)
		return "off (steal=off)";
	if (!virt_steal_on)
		return "off (Xen refused the runstate area)";
	return update_flag ? "runstate area, update flag"
			   : "runstate area, no update flag (re-read)";
}
