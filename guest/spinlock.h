/* SPDX-License-Identifier: MIT */
/*
 * Fair (ticket) spinlocks, with IRQ-saving variants. Portable: built on the
 * compiler's __atomic builtins and arch_cpu_relax(); also used by host tests.
 */
#ifndef GUEST_SPINLOCK_H
#define GUEST_SPINLOCK_H

#include "arch.h"

struct spinlock {
	uint16_t next;  /* ticket handed to the next arriving CPU */
	uint16_t owner; /* ticket now allowed in */
};

#define SPINLOCK_INIT {0, 0}

static inline void spin_init(struct spinlock *l)
{
	l->next = 0;
	l->owner = 0;
}

/*
 * Paravirtual spinlocks (guest/pvspin.c, pvspin=on): a waiter that spun
 * past a bound with IRQs off halts until the unlocker kicks it (Xen:
 * SCHEDOP_poll on a per-vCPU event channel), so a vCPU stopped holding a
 * lock does not make the others spin out their host time slices.
 * pvspin_halted counts the vCPUs halted (or about to) on some lock; the
 * unlocker looks for one to kick only when it is non-zero. Host tests
 * (HOST_TEST) get the plain ticket lock.
 */
extern bool pvspin_on;
extern unsigned pvspin_halted;
void spin_lock_slow(struct spinlock *l, uint16_t me);
void spin_unlock_kick(struct spinlock *l, uint16_t next);

static inline void spin_lock(struct spinlock *l)
{
	uint16_t me = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);

	/* Acquire pairs with the release store in spin_unlock(). */
	if (__builtin_expect(__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == me,
			     1))
		return;
#ifdef HOST_TEST
	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		arch_cpu_relax();
#else
	spin_lock_slow(l, me);
#endif
}

static inline bool spin_trylock(struct spinlock *l)
{
	uint16_t owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	uint16_t expect = owner;

	return __atomic_compare_exchange_n(&l->next, &expect,
					   (uint16_t)(owner + 1), false,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	uint16_t next = (uint16_t)(l->owner + 1);

	__atomic_store_n(&l->owner, next, __ATOMIC_RELEASE);
#ifndef HOST_TEST
	if (__builtin_expect(pvspin_on, 0)) {
		/* Store owner, then load pvspin_halted; the waiter adds to it,
		 * then loads owner: one of us sees the other. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (__atomic_load_n(&pvspin_halted, __ATOMIC_ACQUIRE))
			spin_unlock_kick(l, next);
	}
#endif
}

static inline bool spin_is_locked(struct spinlock *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_RELAXED) !=
	       __atomic_load_n(&l->next, __ATOMIC_RELAXED);
}

static inline unsigned long spin_lock_irqsave(struct spinlock *l)
{
	unsigned long flags = arch_irq_save();

	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l,
					  unsigned long flags)
{
	spin_unlock(l);
	arch_irq_restore(flags);
}

#endif
