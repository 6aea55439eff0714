/* SPDX-License-Identifier: MIT */
/*
 * Isolation domains (domain.h): slots, address spaces, quotas, user
 * threads, the scheduler's hooks, and the report of a user-mode fault.
 */
#include <string.h>
#include "arch.h"
#include "guest/audit.h"
#include "guest/domain/abi.h"
#include "guest/domain/domain.h"
#include "guest/domain/internal.h"
#include "guest/inject.h"
#include "guest/ipi.h"
#include "guest/lib/printf.h"
#include "guest/lib/random.h"
#include "guest/mm/heap.h"
#include "guest/mm/page.h"
#include "guest/options.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"

OPTION(OPT_BOOL("domain_random", true, "start each domain's layout at a "
	"random offset in its region (seed= reproduces it)"));

extern char __user_start[], __user_end[];

/* Slot i's domain: allocated at the slot's first use, then kept (and
 * reused) for the slot, so a slot's pointer never dangles. */
static struct domain *domains[DOMAIN_MAX];
static struct spinlock slots_lock = SPINLOCK_INIT; /* domains[], live, busy */
static uint64_t created; /* slots_lock: the key of each layout's value */

static uintptr_t region_size(void)
{
	return arch_user_area_size() / DOMAIN_MAX;
}

/* Offsets in the lower half of the region, in pages. */
static unsigned layout_bits(void)
{
	return option_bool("domain_random")
		       ? (unsigned)__builtin_ctzll(region_size() / 2 / PAGE_SIZE)
		       : 0;
}

const char *domain_slot_name(unsigned slot)
{
	if (!slot)
		return "kernel";
	return slot < DOMAIN_MAX && domains[slot] ? domains[slot]->name : "?";
}

struct domain *domain_of_slot(unsigned slot)
{
	struct domain *d = slot && slot < DOMAIN_MAX ? domains[slot] : NULL;

	return d && __atomic_load_n(&d->live, __ATOMIC_ACQUIRE) ? d : NULL;
}

struct domain *domain_current(void)
{
	return domain_of_slot(sched_current()->domain);
}

void domain_switch_in(unsigned slot, void *kstack_top)
{
	arch_user_switch(domains[slot]->root, slot, kstack_top);
}

/* IRQs off (thread_reap()). */
void domain_thread_gone(unsigned slot, uint64_t tid)
{
	struct domain *d = domains[slot];

	spin_lock(&d->lock);
	for (unsigned i = 0; tid && i < DOMAIN_THREADS_MAX; i++)
		if (d->stacks[i].tid == tid)
			d->stacks[i].tid = 0;
	spin_unlock(&d->lock);
	__atomic_fetch_sub(&d->threads, 1, __ATOMIC_RELEASE);
}

/* d's last-level entry for va (0 if none, or va outside the window).
 * Entries are only added while d lives: no lock. */
static uint64_t pte_at(struct domain *d, uintptr_t va)
{
	uint64_t *pte;

	if (!pt_in_window(&d->fmt, va))
		return 0;
	pte = pt_slot(&d->fmt, va & ~(uintptr_t)(PAGE_SIZE - 1), false);
	return pte ? *pte : 0;
}

uint64_t domain_current_pte(uintptr_t va)
{
	struct domain *d = domain_of_slot(sched_this()->current->domain);

	return d ? pte_at(d, va) : 0;
}

int domain_current_read(uintptr_t va, void *buf, size_t n)
{
	struct domain *d = domain_of_slot(sched_this()->current->domain);

	return d ? domain_copy(d, buf, va, n, false) : -EFAULT;
}

/* The page at uva in d (physical), if its domain may read it (or write,
 * with write); 0 if not. */
uint64_t domain_user_pa(struct domain *d, uintptr_t uva, bool write)
{
	uint64_t e;

	if (!pt_in_window(&d->fmt, uva)) /* broken on purpose: or kernel */
		return inject_on(INJECT_UACCESS_UNCHECKED) ? uva : 0;
	e = pte_at(d, uva);
	if (!arch_user_pte_allows(e, write))
		return 0;
	return arch_user_pte_pa(e) | (uva & (PAGE_SIZE - 1));
}

/* Copy through the kernel's own (identity) mapping of each page, once it
 * is known to be the domain's: the kernel never dereferences a user
 * address, so SMAP / PAN stay on. */
int domain_copy(struct domain *d, void *kbuf, uintptr_t uva, size_t n,
		bool to_user)
{
	if (uva + n < uva)
		return -EFAULT;
	while (n) {
		size_t chunk = MIN(n, PAGE_SIZE - (uva & (PAGE_SIZE - 1)));
		uint64_t pa = domain_user_pa(d, uva, to_user);

		if (!pa)
			return -EFAULT;
		if (to_user)
			memcpy((void *)(uintptr_t)pa, kbuf, chunk);
		else
			memcpy(kbuf, (const void *)(uintptr_t)pa, chunk);
		kbuf = (char *)kbuf + chunk;
		uva += chunk;
		n -= chunk;
	}
	return 0;
}

void *domain_kptr(struct domain *d, uintptr_t uva, size_t len)
{
	uint64_t pa;

	if (!d || !len || (uva & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
		return NULL;
	pa = domain_user_pa(d, uva, false);
	return pa ? (void *)(uintptr_t)pa : NULL;
}

static void refuse(struct domain *d, const char *what, size_t asked)
{
	__atomic_fetch_add(what[0] == 't' ? &d->thread_refusals : &d->refusals,
			   1, __ATOMIC_RELAXED);
	audit(AUDIT_QUOTA, "domain '%s': %s quota refused (%zu asked)",
	      d->name, what, asked);
}

/* Reserve npages (after a guard page) and count them: the first page's
 * address, or 0 (-EDQUOT or -ENOSPC in *rc). */
static uintptr_t reserve(struct domain *d, size_t npages, int *rc)
{
	unsigned long f = spin_lock_irqsave(&d->lock);
	uintptr_t va = d->brk + PAGE_SIZE;

	*rc = 0;
	if (npages > d->mem_quota_pages - d->mem_pages &&
	    !inject_on(INJECT_QUOTA_OFF)) /* broken on purpose */
		*rc = -EDQUOT;
	else if (va + npages * PAGE_SIZE > d->region + region_size())
		*rc = -ENOSPC;
	if (!*rc) {
		d->mem_pages += npages;
		d->brk = va + npages * PAGE_SIZE;
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (*rc == -EDQUOT)
		refuse(d, "memory", npages * PAGE_SIZE);
	return *rc ? 0 : va;
}

static unsigned map_flags(unsigned prot)
{
	return ARCH_MAP_USER | (prot & SYS_PROT_WRITE ? ARCH_MAP_WRITE : 0) |
	       (inject_on(INJECT_USER_NX_OFF) ? ARCH_MAP_EXEC : 0);
}

int domain_alloc(struct domain *d, size_t bytes, unsigned prot,
		 uintptr_t *uva)
{
	size_t npages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
	uintptr_t va;
	int rc;

	if (!d || !uva || !bytes || bytes > arch_user_area_size() ||
	    (prot & ~SYS_PROT_WRITE))
		return -EINVAL;
	if (!(va = reserve(d, npages, &rc)))
		return rc;
	for (size_t i = 0; i < npages; i++) {
		uint64_t pa = page_alloc_zeroed(0);

		if (!pa)
			return -ENOMEM; /* mapped ones stay, freed with d */
		rc = pt_map(&d->fmt, va + i * PAGE_SIZE, pa,
			    map_flags(prot) | ARCH_MAP_OWNED);
		if (rc) {
			page_free(pa, 0);
			return rc;
		}
	}
	*uva = va;
	return 0;
}

/* Pin (or unpin) both domains of a share: domain_destroy() refuses a
 * domain being shared from or into. 0, or -EINVAL if one is not live. */
static int share_pin(struct domain *from, struct domain *to, bool pin)
{
	unsigned long f = spin_lock_irqsave(&slots_lock);
	int rc = 0;

	if (!pin) {
		from->sharing--;
		to->sharing--;
	} else if (from->live && !from->busy && to->live && !to->busy) {
		from->sharing++;
		to->sharing++;
	} else {
		rc = -EINVAL;
	}
	spin_unlock_irqrestore(&slots_lock, f);
	return rc;
}

/* Whether every page of from's [uva, uva + npages pages) is from's own
 * and allows the access. */
static bool share_source_ok(struct domain *from, uintptr_t uva,
			    size_t npages, unsigned prot)
{
	for (size_t i = 0; i < npages; i++) {
		uint64_t e = pte_at(from, uva + i * PAGE_SIZE);

		if (!arch_user_pte_allows(e, prot & SYS_PROT_WRITE) ||
		    !arch_user_pte_owned(e))
			return false;
	}
	return true;
}

int domain_share(struct domain *from, uintptr_t uva, size_t bytes,
		 struct domain *to, unsigned prot, uintptr_t *to_uva)
{
	size_t npages = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
	unsigned long f;
	uintptr_t va = 0;
	int rc;

	if (!from || !to || from == to || !to_uva || !bytes ||
	    npages > region_size() / PAGE_SIZE ||
	    (uva & (PAGE_SIZE - 1)) || (prot & ~SYS_PROT_WRITE))
		return -EINVAL;
	if ((rc = share_pin(from, to, true)))
		return rc;
	if (!share_source_ok(from, uva, npages, prot)) {
		share_pin(from, to, false);
		return -EFAULT;
	}
	/* from outlives to from now on: domain_destroy() checks the
	 * borrows under slots_lock. */
	f = spin_lock_irqsave(&slots_lock);
	spin_lock(&to->lock);
	va = to->brk + PAGE_SIZE;
	rc = va + npages * PAGE_SIZE > to->region + region_size() ? -ENOSPC
								 : 0;
	if (!rc) {
		to->brk = va + npages * PAGE_SIZE;
		to->borrows |= 1u << from->slot;
	}
	spin_unlock(&to->lock);
	spin_unlock_irqrestore(&slots_lock, f);
	for (size_t i = 0; !rc && i < npages; i++) {
		uintptr_t a = uva + i * PAGE_SIZE;

		rc = pt_map(&to->fmt, va + i * PAGE_SIZE,
			    domain_user_pa(from, a, false), map_flags(prot));
	}
	share_pin(from, to, false);
	if (!rc)
		*to_uva = va;
	return rc;
}

uintptr_t domain_user_addr(const struct domain *d, const void *fn)
{
	uintptr_t p = (uintptr_t)fn;

	if (!d || p < (uintptr_t)__user_start || p >= (uintptr_t)__user_end)
		return 0;
	return d->code + (p - (uintptr_t)__user_start);
}

int domain_create(const char *name, size_t mem_quota, unsigned thread_quota,
		  struct domain **out)
{
	struct domain *d = NULL, *spare;
	uint64_t root_pa, key;
	unsigned long f;
	unsigned slot;
	int rc;

	if (out)
		*out = NULL;
	if (!name || !*name || !out || !thread_quota ||
	    thread_quota > DOMAIN_THREADS_MAX ||
	    mem_quota > arch_user_area_size() / DOMAIN_MAX / 4)
		return -EINVAL;
	if (!arch_user_area_size())
		return -ENODEV;
	if (!(root_pa = page_alloc_zeroed(0)))
		return -ENOMEM;
	if (!(spare = kzalloc(sizeof(*spare)))) {
		page_free(root_pa, 0);
		return -ENOMEM;
	}
	f = spin_lock_irqsave(&slots_lock);
	for (slot = 1; slot < DOMAIN_MAX; slot++) {
		if (!domains[slot] && spare) {
			domains[slot] = spare;
			spare = NULL;
		}
		if (domains[slot] && !domains[slot]->live &&
		    !domains[slot]->busy) {
			d = domains[slot];
			d->busy = true;
			break;
		}
	}
	key = created++;
	spin_unlock_irqrestore(&slots_lock, f);
	kfree(spare); /* NULL if a new slot took it */
	if (!d) {
		page_free(root_pa, 0);
		return -ENOSPC;
	}
	memset(d->name, 0, sizeof(d->name));
	memcpy(d->name, name, strnlen(name, sizeof(d->name) - 1));
	d->slot = slot;
	d->root = (uint64_t *)(uintptr_t)root_pa;
	spin_init(&d->lock);
	spin_init(&d->pt_lock);
	arch_user_format(&d->fmt, d->root, &d->pt_lock);
	d->region = arch_user_area_base() + slot * region_size();
	d->layout_bits = layout_bits();
	d->base = d->region;
	if (d->layout_bits)
		d->base += (random_for(0xd0a1ull << 32 | key) &
			    ((1ull << d->layout_bits) - 1)) * PAGE_SIZE;
	d->code = d->base;
	d->code_size = (size_t)(__user_end - __user_start);
	d->brk = d->code + d->code_size;
	d->borrows = 0;
	d->sharing = 0;
	d->mem_quota_pages = ALIGN_UP(mem_quota, PAGE_SIZE) / PAGE_SIZE;
	d->mem_pages = 0;
	d->thread_quota = thread_quota;
	d->threads = 0;
	d->faults = d->refusals = d->thread_refusals = d->syscalls = 0;
	memset(d->handles, 0, sizeof(d->handles));
	memset(d->stacks, 0, sizeof(d->stacks));
	for (uintptr_t p = (uintptr_t)__user_start; p < (uintptr_t)__user_end;
	     p += PAGE_SIZE) {
		rc = pt_map(&d->fmt, d->code + (p - (uintptr_t)__user_start),
			    p, ARCH_MAP_USER | ARCH_MAP_EXEC |
			    (inject_on(INJECT_CODE_WRITABLE) ? ARCH_MAP_WRITE
							     : 0));
		if (rc) {
			d->busy = false;
			__atomic_store_n(&d->live, true, __ATOMIC_RELEASE);
			domain_destroy(d);
			return rc;
		}
	}
	__atomic_store_n(&d->live, true, __ATOMIC_RELEASE);
	d->busy = false;
	*out = d;
	return 0;
}

static void forget_here(void *arg)
{
	struct domain *d = arg;
	unsigned long f = arch_irq_save();

	arch_user_forget(d->root, d->slot);
	arch_irq_restore(f);
}

static void free_leaf(uint64_t e)
{
	if (arch_user_pte_owned(e))
		page_free(arch_user_pte_pa(e), 0);
}

/* Whether a live domain maps pages of d (slots_lock held). */
static bool lent(const struct domain *d)
{
	for (unsigned i = 1; i < DOMAIN_MAX; i++)
		if (domains[i] && domains[i]->live &&
		    (domains[i]->borrows & 1u << d->slot))
			return true;
	return false;
}

int domain_destroy(struct domain *d)
{
	unsigned slot = 1;
	unsigned long f;

	f = spin_lock_irqsave(&slots_lock);
	while (d && slot < DOMAIN_MAX && domains[slot] != d)
		slot++;
	if (!d || slot == DOMAIN_MAX) {
		spin_unlock_irqrestore(&slots_lock, f);
		return -EINVAL;
	}
	if (!d->live || d->busy || __atomic_load_n(&d->threads,
						   __ATOMIC_ACQUIRE) ||
	    d->sharing || lent(d)) {
		spin_unlock_irqrestore(&slots_lock, f);
		return d->live ? -EBUSY : -EINVAL;
	}
	d->live = false;
	d->busy = true;
	spin_unlock_irqrestore(&slots_lock, f);
	/* Threads its own threads spawned and nobody joined: all finished. */
	for (unsigned i = 0; i < DOMAIN_HANDLES; i++)
		if (d->handles[i].t && d->handles[i].t != (struct thread *)1)
			thread_join(d->handles[i], NULL);
	/* No thread of d runs or will: every CPU leaves its tables (loaded
	 * lazily after one ran) and forgets its TLB entries. */
	for (unsigned i = 0; i < cpu_count(); i++) {
		for (;;) { /* the check and the local call with IRQs off: a
			    * migration between them would skip a CPU */
			unsigned long irq = arch_irq_save();
			int rc;

			if (i == this_cpu()->id) {
				arch_user_forget(d->root, d->slot);
				arch_irq_restore(irq);
				break;
			}
			arch_irq_restore(irq);
			rc = ipi_call(i, forget_here, d, true);
			if (rc != -EDEADLK) /* done, or offline: never ran it */
				break;
		}
	}
	pt_destroy(&d->fmt, free_leaf);
	page_free((uint64_t)(uintptr_t)d->root, 0);
	d->root = NULL;
	__atomic_store_n(&d->busy, false, __ATOMIC_RELEASE);
	return 0;
}

void domain_thread_unreserve(struct domain *d)
{
	__atomic_fetch_sub(&d->threads, 1, __ATOMIC_RELEASE);
}

/* Count a thread of d against its quota: 0 or -EDQUOT. */
int domain_thread_reserve(struct domain *d)
{
	unsigned n = __atomic_load_n(&d->threads, __ATOMIC_RELAXED);

	do {
		if (n >= d->thread_quota && !inject_on(INJECT_QUOTA_OFF)) {
			refuse(d, "thread", n + 1);
			return -EDQUOT;
		}
	} while (!__atomic_compare_exchange_n(&d->threads, &n, n + 1, true,
					      __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	return 0;
}

/* What a domain thread runs first, in kernel mode. */
static long user_start(void *arg)
{
	struct domain_start s = *(struct domain_start *)arg;

	kfree(arg);
	if (s.stack) { /* its stack is free again once it is gone */
		unsigned long f = spin_lock_irqsave(&domain_current()->lock);

		s.stack->tid = thread_id(sched_current());
		spin_unlock_irqrestore(&domain_current()->lock, f);
	}
	arch_user_enter(s.pc, s.sp, s.arg);
}

int domain_spawn_at(struct domain *d, uintptr_t pc, uintptr_t arg,
		    uintptr_t sp, struct domain_stack *stack,
		    const struct thread_attr *a, struct thread_handle *out)
{
	struct domain_start *s;
	int rc;

	if (!(s = kmalloc(sizeof(*s))))
		return -ENOMEM;
	*s = (struct domain_start){.pc = pc, .sp = sp, .arg = arg,
				   .stack = stack};
	rc = thread_spawn_in(d->slot, user_start, s, a, out);
	if (rc)
		kfree(s);
	return rc;
}

int domain_spawn(struct domain *d, const void *fn, uintptr_t arg,
		 const struct thread_attr *a, struct thread_handle *out)
{
	struct thread_attr def = THREAD_ATTR_INIT;
	uintptr_t pc = domain_user_addr(d, fn), stack;
	struct domain_stack *st = NULL;
	unsigned long f;
	size_t size;
	int rc;

	if (out)
		*out = (struct thread_handle){0};
	if (!a)
		a = &def;
	size = a->stack_size ? a->stack_size : THREAD_STACK_DEFAULT;
	if (!pc || !out || size > THREAD_STACK_MAX)
		return -EINVAL;
	size = ALIGN_UP(size, PAGE_SIZE);
	if ((rc = domain_thread_reserve(d))) /* before any memory */
		return rc;
	f = spin_lock_irqsave(&d->lock);
	for (unsigned i = 0; i < DOMAIN_THREADS_MAX && !st; i++)
		if (!d->stacks[i].tid && d->stacks[i].bytes == size)
			st = &d->stacks[i];
	for (unsigned i = 0; i < DOMAIN_THREADS_MAX && !st; i++)
		if (!d->stacks[i].tid && !d->stacks[i].bytes)
			st = &d->stacks[i];
	if (st)
		st->tid = STACK_TAKEN; /* ours alone from here */
	spin_unlock_irqrestore(&d->lock, f);
	if (!st) { /* every entry a live thread's */
		domain_thread_unreserve(d);
		refuse(d, "thread", DOMAIN_THREADS_MAX + 1);
		return -EDQUOT;
	}
	if (!st->bytes) {
		if ((rc = domain_alloc(d, size, SYS_PROT_WRITE, &stack))) {
			f = spin_lock_irqsave(&d->lock);
			st->tid = 0;
			spin_unlock_irqrestore(&d->lock, f);
			domain_thread_unreserve(d);
			return rc;
		}
		f = spin_lock_irqsave(&d->lock);
		st->top = stack + size;
		st->bytes = size;
		spin_unlock_irqrestore(&d->lock, f);
	}
	rc = domain_spawn_at(d, pc, arg, st->top, st, a, out);
	if (rc) {
		f = spin_lock_irqsave(&d->lock);
		st->tid = 0;
		spin_unlock_irqrestore(&d->lock, f);
		domain_thread_unreserve(d);
	}
	return rc;
}

void domain_get_stats(const struct domain *d, struct domain_stats *st)
{
	*st = (struct domain_stats){
		.name = d->name, .slot = d->slot, .base = d->base,
		.layout_bits = d->layout_bits, .mem_pages = d->mem_pages,
		.mem_quota_pages = d->mem_quota_pages,
		.threads = __atomic_load_n(&d->threads, __ATOMIC_RELAXED),
		.thread_quota = d->thread_quota, .faults = d->faults,
		.refusals = d->refusals, .thread_refusals = d->thread_refusals,
		.syscalls = d->syscalls,
		.last_fault_addr = d->last_fault_addr,
		.last_fault_access = d->last_fault_access,
	};
}

/* What addr is to the faulting domain d. */
static const char *describe(struct domain *d, uintptr_t addr,
			    const char *access, char *buf, size_t len)
{
	uintptr_t base = arch_user_area_base();
	uint64_t e;

	if (addr < base || addr - base >= arch_user_area_size())
		return "kernel memory";
	if (addr - d->region >= region_size()) {
		struct domain *o = domain_of_slot(
			(unsigned)((addr - base) / region_size()));

		if (o) {
			ksnprintf(buf, len, "memory of domain '%s'", o->name);
			return buf;
		}
		return "another domain's region";
	}
	e = pte_at(d, addr);
	if (!arch_user_pte_allows(e, false))
		return "an unmapped page";
	if (!strcmp(access, "write") && !arch_user_pte_allows(e, true))
		return "a read-only page";
	if (!strcmp(access, "execute"))
		return "a non-executable page";
	return "its own page";
}

__noreturn void kernel_user_fault(unsigned vector, uintptr_t addr,
				  const char *access, uintptr_t pc)
{
	struct thread *t = sched_this()->current; /* IRQs are off */
	struct domain *d = domain_of_slot(t->domain);
	char buf[48];
	bool memory = !strcmp(access, "read") || !strcmp(access, "write") ||
		      !strcmp(access, "execute");
	const char *what = !d ? "?" : memory ? describe(d, addr, access, buf,
							 sizeof(buf))
					   : "in its own code";

	if (d) {
		d->last_fault_addr = addr;
		d->last_fault_access = access;
		__atomic_fetch_add(&d->faults, 1, __ATOMIC_RELEASE);
	}
	kprintf("domain '%s': killed thread '%s' (id %lu) on vCPU %u: user "
		"%s at 0x%lx (%s), pc 0x%lx, vector %u\n",
		domain_slot_name(t->domain), t->name, thread_id(t),
		this_cpu()->id, access, addr, what, pc, vector);
	audit(AUDIT_DOMAIN_FAULT, "domain '%s': %s at 0x%lx (%s), pc 0x%lx",
	      domain_slot_name(t->domain), access, addr, what, pc);
	t->killed = true;
	sched_exit_current();
}
