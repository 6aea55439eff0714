/* SPDX-License-Identifier: MIT */
/* What guest/domain's files share: the domain itself. */
#ifndef GUEST_DOMAIN_INTERNAL_H
#define GUEST_DOMAIN_INTERNAL_H

#include "types.h"
#include "guest/domain/domain.h"
#include "guest/mm/pt.h"
#include "guest/spinlock.h"

struct domain {
	char name[DOMAIN_NAME_MAX];
	unsigned slot;             /* index in domains[]; PCID / ASID */
	bool live;                 /* slots_lock; acquire-read elsewhere */
	bool busy;                 /* being created or destroyed */
	uint64_t *root;            /* top-level table (physical = virtual) */
	struct spinlock pt_lock;   /* fmt's lock */
	struct pt_format fmt;      /* the user window under root */
	struct spinlock lock;      /* brk, mem_pages, handles */
	uintptr_t region;          /* its slice of the user window */
	uintptr_t base;            /* randomized start of the layout */
	unsigned layout_bits;
	uintptr_t code;            /* the user section's address here */
	size_t code_size;          /* and its size */
	uint32_t borrows;          /* slots whose pages it maps (shared) */
	unsigned sharing;          /* slots_lock: domain_share()s under way */
	uintptr_t brk;             /* end of what is reserved */
	size_t mem_pages, mem_quota_pages;
	unsigned threads;          /* alive (atomic) */
	unsigned thread_quota;
	uint64_t faults, refusals, thread_refusals, syscalls; /* atomic */
	uintptr_t last_fault_addr;  /* the last killed thread's address */
	const char *last_fault_access; /* and access (static strings) */
	struct thread_handle handles[DOMAIN_HANDLES]; /* lock */
	/* Stacks domain_spawn() made, reused once their thread is gone. */
	struct domain_stack {
		uintptr_t top;
		size_t bytes;
		uint64_t tid;      /* its thread; 0 free; STACK_TAKEN */
	} stacks[DOMAIN_THREADS_MAX]; /* lock */
};
#define STACK_TAKEN UINT64_MAX

/* A new domain thread's first user state (freed by the thread). */
struct domain_start {
	uintptr_t pc, sp, arg;
	struct domain_stack *stack; /* to claim with its id, or NULL */
};

struct domain *domain_of_slot(unsigned slot);  /* NULL unless live */
struct domain *domain_current(void);           /* the caller's, or NULL */
uint64_t domain_user_pa(struct domain *d, uintptr_t uva, bool write);
int domain_copy(struct domain *d, void *kbuf, uintptr_t uva, size_t n,
		bool to_user);
/* Count a thread against d's thread quota (0 or -EDQUOT), and take the
 * count back when its spawn failed; a thread that ran gives it back when
 * reaped (domain_thread_gone()). */
int domain_thread_reserve(struct domain *d);
void domain_thread_unreserve(struct domain *d);
int domain_spawn_at(struct domain *d, uintptr_t pc, uintptr_t arg,
		    uintptr_t sp, struct domain_stack *stack,
		    const struct thread_attr *a, struct thread_handle *out);

#endif
