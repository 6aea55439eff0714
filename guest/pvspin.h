/* SPDX-License-Identifier: MIT */
/* Paravirtual spinlocks: settings and counters (guest/pvspin.c). */
#ifndef GUEST_PVSPIN_H
#define GUEST_PVSPIN_H

#include "types.h"

/* Spins before a waiter halts (pvspin_spins=); pvspin_on says the backend
 * halts and kicks (pvspin=on and virt->pv_wait). Set at boot. */
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

/* Boot CPU, before the others start: read pvspin= and pvspin_spins=, and
 * say whether paravirtual spinlocks are on. */
void pvspin_init(void);

#endif
