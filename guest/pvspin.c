/* SPDX-License-Identifier: MIT */
/*
 * Paravirtual spinlocks: the slow path of spin_lock() (guest/spinlock.h);
 * and directed yield to a preempted vCPU (pvspin.h).
 *
 * A waiter spins pvspin_spins times; then, if pvspin is on, the backend can
 * halt a vCPU until kicked (VIRT_PV_HALT_KICK: virt->pv_wait / pv_kick) and
 * IRQs were off already (halting with them off must not delay an interrupt
 * the caller allowed), it writes (lock, ticket) in its slot, adds itself to
 * pvspin_halted, checks the lock once more and halts. The unlocker sees
 * pvspin_halted non-zero and kicks the vCPU whose slot holds (lock, the
 * ticket now allowed in). A kick is sticky (a pending event channel), so one
 * sent before the halt ends it at once; a spurious wakeup only spins again.
 * Nothing here is on the fast path: an uncontended lock and unlock cost one
 * flag test more.
 */
#include "arch.h"
#include "virt.h"
#include "guest/inject.h"
#include "guest/lib/printf.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/pvspin.h"
#include "guest/spinlock.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_BOOL("pvspin", false, "paravirtual spinlocks: a waiter past "
	 "pvspin_spins halts until kicked (Xen, KVM)"));
OPTION(OPT_NUM("pvspin_spins", 1, 100000000, 1024, "spins before a "
	"spinlock waiter halts (pvspin)"));
OPTION(OPT_BOOL("pvyield", true, "directed yield: a vCPU waiting on a "
	 "preempted vCPU yields to it (KVM, Xen)"));

bool pvspin_on;
unsigned pvspin_halted;
unsigned pvspin_spins = 1024;
struct pvspin_stats pvspin_stats;

struct slot {
	struct spinlock *lock; /* NULL: not waiting */
	uint16_t ticket;
} __aligned(64);
static struct slot slots[MAX_CPUS];

static void count(uint64_t *c)
{
	__atomic_fetch_add(c, 1, __ATOMIC_RELAXED);
}

/* IRQs off. Returns after a kick, a spurious wakeup, or at once when the
 * lock is ours already. */
static void halt_for(struct spinlock *l, uint16_t me)
{
	unsigned self = this_cpu()->id;

	WRITE_ONCE(slots[self].ticket, me);
	WRITE_ONCE(slots[self].lock, l);
	__atomic_fetch_add(&pvspin_halted, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&l->owner, __ATOMIC_SEQ_CST) != me) {
		int woke = virt->pv_wait();

		count(&pvspin_stats.halts);
		if (woke < 0)
			count(&pvspin_stats.no_wait);
		else if (woke == 0)
			count(&pvspin_stats.early);
		else if (woke == 2)
			count(&pvspin_stats.timeouts);
	}
	__atomic_fetch_sub(&pvspin_halted, 1, __ATOMIC_RELAXED);
	WRITE_ONCE(slots[self].lock, NULL);
}

void spin_lock_slow(struct spinlock *l, uint16_t me)
{
	bool counted = false;

	for (;;) {
		for (unsigned i = 0; i < pvspin_spins; i++) {
			if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == me)
				return;
			arch_cpu_relax();
		}
		if (!__builtin_expect(pvspin_on, 0) || arch_irq_enabled())
			continue;
		if (!counted) {
			count(&pvspin_stats.slow);
			counted = true;
		}
		halt_for(l, me);
		if (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == me)
			return;
		count(&pvspin_stats.spurious);
	}
}

/* The vCPU waiting for ticket next of l, if one has halted (or is about
 * to): at most one slot matches. A walk over the slots, only when some
 * vCPU is halted on some lock. */
void spin_unlock_kick(struct spinlock *l, uint16_t next)
{
	if (inject_on(INJECT_PVSPIN_NO_KICK)) /* broken on purpose */
		return;
	for (unsigned i = 0; i < cpu_count(); i++) {
		if (READ_ONCE(slots[i].lock) == l &&
		    READ_ONCE(slots[i].ticket) == next) {
			count(&pvspin_stats.kicks);
			virt->pv_kick(i);
			return;
		}
	}
}

bool pvyield_on;
uint64_t pvyield_count[PVYIELD_NR];

bool pvyield_if_preempted(unsigned cpu, enum pvyield_site site)
{
	if (!__builtin_expect(pvyield_on, 0) || !virt_vcpu_is_preempted(cpu))
		return false;
	count(&pvyield_count[site]);
	if (!inject_on(INJECT_PVYIELD_NOOP)) /* broken on purpose */
		virt->pv_yield_to(cpu);
	return true;
}

static void pvyield_init(void)
{
	if (!option_bool("pvyield"))
		return;
	if (!(virt_pv_caps() & VIRT_PV_YIELD) || !virt_steal_on) {
		kprintf("vsched: pvyield: the %s backend %s: no directed yield\n",
			virt->name, virt_steal_on ? "cannot yield to a vCPU"
						  : "keeps no preempted flag");
		return;
	}
	kprintf("vsched: pvyield: on, waiters yield to a preempted vCPU\n");
	WRITE_ONCE(pvyield_on, true);
}

void pvspin_init(void)
{
	bool want = option_bool("pvspin");

	pvyield_init();
	pvspin_spins = (unsigned)option_u64("pvspin_spins");
	if (!want)
		return;
	if (!(virt_pv_caps() & VIRT_PV_HALT_KICK)) {
		kprintf("vsched: pvspin: the %s backend cannot halt and kick a "
			"vCPU: plain spinlocks\n", virt->name);
		return;
	}
	kprintf("vsched: pvspin: on, waiters halt after %u spins\n",
		pvspin_spins);
	WRITE_ONCE(pvspin_on, true);
}
