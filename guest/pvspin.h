/* SPDX-License-Identifier: MIT */
/* Paravirtual spinlocks: settings and counters (guest/pvspin.c). */
#ifndef GUEST_PVSPIN_H
#define GUEST_PVSPIN_H

#include "arch.h"
#include "types.h"

/* Spins before a waiter halts (pvspin_spins=); pvspin_on says the backend
 * halts and kicks (pvspin=on and VIRT_PV_HALT_KICK in virt_pv_caps()). Set
 * at boot. */
extern unsigned pvspin_spins;

struct pvspin_stats {        /* since boot, atomic */
	uint64_t slow;       /* lock calls that got past the spin bound */
	uint64_t halts;      /* halts (a call may halt more than once) */
	uint64_t kicks;      /* kicks sent by unlockers */
	uint64_t spurious;   /* woke without the lock: spun again */
	uint64_t no_wait;    /* the backend could not halt this vCPU yet */
	uint64_t early;      /* a halt ended early, without a kick */
	uint64_t timeouts;   /* a halt ended by the safety timeout: a kick
			      * was lost (or sent too late) */
};
extern struct pvspin_stats pvspin_stats;

/*
 * Directed yield (pvyield=on, where the backend has VIRT_PV_YIELD): a
 * vCPU that waits on another one the hypervisor stopped gives its
 * physical CPU to it instead of spinning out its host time slice. Used
 * where the waiter knows whom it waits on: a mutex spinner on the owner's
 * vCPU (mutex.c), a cross-call sender on its target (ipi.c), a waker on
 * the vCPU still switching its thread out (wake.c). Spinlock waiters do
 * not know the holder's vCPU (a ticket lock records none): with pvspin
 * they halt, which frees the physical CPU just as well.
 */
enum pvyield_site { PVYIELD_MUTEX, PVYIELD_CALL, PVYIELD_SWITCH, PVYIELD_NR };
extern bool pvyield_on;
extern uint64_t pvyield_count[PVYIELD_NR]; /* since boot, atomic */

/* If vCPU cpu is preempted, yield to it and return true. */
bool pvyield_if_preempted(unsigned cpu, enum pvyield_site site);

/* One turn of a busy wait on vCPU cpu (*spins counts the turns, from 0):
 * a relax, and every 256 turns a look whether cpu is stopped, to yield
 * to it. */
static inline void pvyield_relax(unsigned *spins, unsigned cpu,
				 enum pvyield_site site)
{
	if (!(++*spins & 255))
		pvyield_if_preempted(cpu, site);
	arch_cpu_relax();
}

/* Boot CPU, before the others start: read pvspin=, pvspin_spins= and
 * pvyield=, and say what is on. */
void pvspin_init(void);

#endif
