/* SPDX-License-Identifier: MIT */
/*
 * Isolation domains: an address space with its own page tables, a name, a
 * memory quota and a thread quota. A domain's threads run in user mode
 * (ring 3, EL0, U-mode) on the code of the kernel image's user section (files
 * named *.user.c, linked between __user_start and __user_end, mapped
 * read-only and executable into every domain) and enter the kernel only
 * through the system calls of abi.h. What a thread touches outside its
 * domain kills it, with a report naming the domain, the thread, the
 * address and the access; everything else keeps running.
 *
 * Layout: the user window (arch_user_area_base/size) is cut into
 * DOMAIN_MAX regions, one per slot; each domain starts its layout (code,
 * then data, each page allocation after a guard page) at a random
 * page-aligned offset in the lower half of its region (DOMAIN_LAYOUT_BITS
 * bits of entropy, from the boot seed: seed=N reproduces it).
 *
 * Calls return 0 or a negative errno; bad arguments never panic. Thread
 * context, IRQs on.
 */
#ifndef GUEST_DOMAIN_DOMAIN_H
#define GUEST_DOMAIN_DOMAIN_H

#include "types.h"
#include "guest/sched/thread.h"

#define DOMAIN_MAX 32          /* slots; slot 0 is the kernel */
#define DOMAIN_NAME_MAX 16     /* bytes, with the NUL */
#define DOMAIN_HANDLES 16      /* joinable threads a domain holds at once */
#define DOMAIN_THREADS_MAX 64  /* largest thread quota */

struct domain;

/* A new domain: mem_quota bytes of user pages (rounded up to pages; page
 * tables are the kernel's and do not count), at most thread_quota threads
 * alive at once (1..DOMAIN_THREADS_MAX). 0, -EINVAL, -ENOMEM, -ENOSPC (no
 * free slot). */
int domain_create(const char *name, size_t mem_quota, unsigned thread_quota,
		  struct domain **out);
/* Free d and all its memory: -EBUSY while any of its threads is alive,
 * while a domain it shared pages with (domain_share()) lives, or while a
 * share from or into it is under way. */
int domain_destroy(struct domain *d);
/* Map fresh zeroed pages (SYS_PROT_WRITE: writable) in d, counted in its
 * quota: 0 and *uva, -EDQUOT, -ENOMEM, -EINVAL. */
int domain_alloc(struct domain *d, size_t bytes, unsigned prot,
		 uintptr_t *uva);
/* Map the pages of from's [uva, uva + bytes) into to as well (prot as
 * above, never more than from has): 0 and *to_uva; counted in from's
 * quota only. -EFAULT if a page is not from's own. */
int domain_share(struct domain *from, uintptr_t uva, size_t bytes,
		 struct domain *to, unsigned prot, uintptr_t *to_uva);
/* The address in d of fn, a function of the user section; 0 if fn is not
 * in it. */
uintptr_t domain_user_addr(const struct domain *d, const void *fn);
/* Start a thread of d in user mode at the user function fn with arg in
 * its first argument register, on a stack of a->stack_size (default
 * THREAD_STACK_DEFAULT) in d's memory (counted in its quota; reused by
 * later spawns once the thread is gone). a: name, priority, affinity as for
 * thread_spawn(). 0, -EDQUOT, -EINVAL, -ENOMEM; join it with
 * thread_join(). */
int domain_spawn(struct domain *d, const void *fn, uintptr_t arg,
		 const struct thread_attr *a, struct thread_handle *out);
/* The kernel's view of len bytes at d's uva (for tests and benchmarks to
 * read what user code wrote): NULL unless mapped in d and inside one page. */
void *domain_kptr(struct domain *d, uintptr_t uva, size_t len);

struct domain_stats {
	const char *name;
	unsigned slot;          /* also its PCID / ASID */
	uintptr_t base;         /* start of its randomized layout */
	unsigned layout_bits;   /* entropy of base */
	size_t mem_pages, mem_quota_pages;
	unsigned threads, thread_quota;
	unsigned tables;        /* page-table pages it holds */
	uint64_t faults;        /* threads killed for breaking its rules */
	uint64_t refusals;      /* memory quota refusals */
	uint64_t thread_refusals; /* thread quota refusals */
	uint64_t syscalls;
	uintptr_t last_fault_addr;     /* the last fault's address, access */
	const char *last_fault_access; /* ("read", "write", "execute", ...) */
};
void domain_get_stats(const struct domain *d, struct domain_stats *st);

/* The scheduler's hooks: next, a thread of slot, is switched in (IRQs
 * off); a thread of slot was reaped. */
void domain_switch_in(unsigned slot, void *kstack_top);
void domain_thread_gone(unsigned slot, uint64_t tid);
/* For arch/: the caller's domain's page-table entry for va (0 if none or
 * not a domain's thread); IRQs off. */
uint64_t domain_current_pte(uintptr_t va);
/* For arch/: copy n bytes at the caller's domain's va, checked like a
 * system call's pointer: 0 or -EFAULT. */
int domain_current_read(uintptr_t va, void *buf, size_t n);
/* The name of slot's domain, "kernel" for 0. */
const char *domain_slot_name(unsigned slot);

#endif
