/* SPDX-License-Identifier: MIT */
/*
 * The system calls of abi.h, and the futex they build user-mode mutexes
 * and semaphores on. Every user pointer is checked against the caller's
 * page tables before the kernel touches the memory behind it, and then
 * touched through the kernel's own mapping of the page (domain_copy()).
 * A futex is keyed by the physical address of its word, which must be
 * writable by the caller (so never the code every domain maps), so
 * threads of two domains that share a page wait and wake on it together.
 */
#include "arch.h"
#include "virt.h"
#include "guest/domain/abi.h"
#include "guest/domain/internal.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/sched/sched.h"

#define FUTEX_BUCKETS 64
#define WRITE_MAX 256

struct futex_bucket {
	struct spinlock lock;
	struct sched_list waiters; /* struct futex_waiter */
};

/* One sleeper, on its own kernel stack. */
struct futex_waiter {
	struct sched_link link;  /* bucket lock */
	struct thread *thread;
	uint64_t key;            /* physical address of the word */
	bool done;               /* bucket lock: set by the waker */
};

static struct futex_bucket buckets[FUTEX_BUCKETS];

static struct futex_bucket *bucket_of(uint64_t key)
{
	return &buckets[(key >> 2) * 0x9e3779b97f4a7c15ull >> 58];
}

/* The futex at uva: its key (the word's physical address) in *key, 0, or
 * -EINVAL (misaligned), -EFAULT (not writable by the caller). */
static int futex_key(struct domain *d, uintptr_t uva, uint64_t *key)
{
	if (uva & 3)
		return -EINVAL;
	*key = domain_user_pa(d, uva, true);
	return *key ? 0 : -EFAULT;
}

static long futex_wait(struct domain *d, uintptr_t uva, uint32_t expected,
		       uint64_t timeout_ns)
{
	uint64_t now = virt_clock_ns();
	struct futex_bucket *b;
	struct futex_waiter w;
	uint64_t key, deadline;
	unsigned long f;
	long rc = futex_key(d, uva, &key);

	if (rc)
		return rc;
	if (timeout_ns >= WAITQ_FOREVER - now) /* saturated: no deadline */
		timeout_ns = 0;
	deadline = timeout_ns ? now + timeout_ns : WAITQ_FOREVER;
	b = bucket_of(key);
	w = (struct futex_waiter){.thread = sched_current(), .key = key};
	f = spin_lock_irqsave(&b->lock);
	if (__atomic_load_n((uint32_t *)(uintptr_t)key, __ATOMIC_ACQUIRE) !=
	    expected) {
		spin_unlock_irqrestore(&b->lock, f);
		return -EAGAIN;
	}
	sched_list_add_tail(&b->waiters, &w.link);
	for (;;) {
		__atomic_store_n(&w.thread->state, THREAD_BLOCKED,
				 __ATOMIC_RELAXED);
		if (timeout_ns)
			sched_timer_arm(w.thread, deadline);
		spin_unlock(&b->lock);
		sched_switch(SCHED_BLOCK);
		if (timeout_ns)
			sched_timer_cancel(w.thread);
		spin_lock(&b->lock);
		if (w.done)
			break;
		if (timeout_ns && virt_clock_ns() >= deadline) {
			sched_list_del(&b->waiters, &w.link);
			rc = -ETIMEDOUT;
			break;
		}
	}
	spin_unlock_irqrestore(&b->lock, f);
	return rc;
}

static long futex_wake(struct domain *d, uintptr_t uva, unsigned long n)
{
	struct futex_bucket *b;
	struct sched_link *l, *next;
	unsigned long f;
	uint64_t key;
	long woken = 0;
	int rc = futex_key(d, uva, &key);

	if (rc)
		return rc;
	b = bucket_of(key);
	f = spin_lock_irqsave(&b->lock);
	for (l = b->waiters.head; l && (unsigned long)woken < n; l = next) {
		struct futex_waiter *w = container_of(l, struct futex_waiter,
						      link);
		struct thread *t = w->thread;

		next = l->next;
		if (w->key != key)
			continue;
		sched_list_del(&b->waiters, l);
		w->done = true; /* w lives on t's stack: last touch */
		sched_wake(t);
		woken++;
	}
	spin_unlock_irqrestore(&b->lock, f);
	sched_preempt_check();
	return woken;
}

static long sys_write(struct domain *d, uintptr_t buf, unsigned long len)
{
	char k[WRITE_MAX + 1];

	if (len > WRITE_MAX)
		return -EINVAL;
	if (domain_copy(d, k, buf, len, false))
		return -EFAULT;
	/* Each line under the domain's name, unprintable bytes as '?': a
	 * domain cannot forge a line of the kernel's (a PASS, a report). */
	for (size_t i = 0, start = 0; i <= len; i++) {
		if (i < len && k[i] != '\n') {
			if (k[i] < 0x20 || k[i] > 0x7e)
				k[i] = '?';
			continue;
		}
		if (i > start || i < len) {
			k[i < len ? i : len] = 0;
			kprintf("[%s] %s\n", d->name, k + start);
		}
		start = i + 1;
	}
	return (long)len;
}

static long sys_alloc(struct domain *d, unsigned long bytes,
		      unsigned long prot)
{
	uintptr_t va;
	int rc = domain_alloc(d, bytes, (unsigned)prot, &va);

	return rc ? rc : (long)va;
}

static long sys_spawn(struct domain *d, uintptr_t pc, uintptr_t arg,
		      uintptr_t sp, unsigned long prio)
{
	struct thread_attr a = THREAD_ATTR_INIT;
	struct thread_handle h;
	unsigned long f;
	long slot = -EAGAIN;
	int rc;

	if (pc - d->code >= d->code_size || (sp & 15) ||
	    !domain_user_pa(d, sp - 8, true))
		return -EFAULT;
	if (!prio_valid((int)prio))
		return -EINVAL;
	/* Never above its spawner: a domain cannot outrank the kernel's
	 * threads by spawning (strict priorities). */
	if ((int)prio > sched_current()->prio)
		return -EPERM;
	a.name = d->name;
	a.prio = (int)prio;
	f = spin_lock_irqsave(&d->lock);
	for (unsigned i = 0; i < DOMAIN_HANDLES; i++)
		if (!d->handles[i].t) {
			d->handles[i].t = (struct thread *)1; /* taken */
			slot = i;
			break;
		}
	spin_unlock_irqrestore(&d->lock, f);
	if (slot < 0)
		return slot;
	rc = domain_thread_reserve(d);
	if (!rc && (rc = domain_spawn_at(d, pc, arg, sp, NULL, &a, &h)))
		domain_thread_unreserve(d);
	f = spin_lock_irqsave(&d->lock);
	d->handles[slot] = rc ? (struct thread_handle){0} : h;
	spin_unlock_irqrestore(&d->lock, f);
	return rc ? rc : slot;
}

static long sys_join(struct domain *d, unsigned long slot, uintptr_t uresult)
{
	struct thread_handle h = {0};
	unsigned long f;
	long result = 0;
	int rc;

	if (uresult && (!domain_user_pa(d, uresult, true) ||
			!domain_user_pa(d, uresult + sizeof(long) - 1, true)))
		return -EFAULT;
	if (slot >= DOMAIN_HANDLES)
		return -EINVAL;
	f = spin_lock_irqsave(&d->lock);
	if (d->handles[slot].t == sched_current()) {
		/* Its own: joining would fail and lose the handle. */
		spin_unlock_irqrestore(&d->lock, f);
		return -EDEADLK;
	}
	if (d->handles[slot].t != (struct thread *)1) {
		h = d->handles[slot];
		d->handles[slot] = (struct thread_handle){0};
	}
	spin_unlock_irqrestore(&d->lock, f);
	if (!h.t)
		return -EINVAL;
	rc = thread_join(h, &result);
	if (uresult && domain_copy(d, &result, uresult, sizeof(result), true))
		return -EFAULT;
	return rc;
}

long kernel_syscall(unsigned long nr, unsigned long a0, unsigned long a1,
		    unsigned long a2, unsigned long a3)
{
	struct domain *d = domain_of_slot(sched_this()->current->domain);
	long rc;

	if (!d) /* not a domain's thread: nothing calls from there */
		return -ENOSYS;
	arch_irq_enable();
	__atomic_fetch_add(&d->syscalls, 1, __ATOMIC_RELAXED);
	switch (nr) {
	case SYS_EXIT:
		thread_exit((long)a0);
	case SYS_YIELD:
		thread_yield();
		rc = 0;
		break;
	case SYS_SLEEP:
		rc = thread_sleep_ns(a0);
		break;
	case SYS_SPAWN:
		rc = sys_spawn(d, a0, a1, a2, a3);
		break;
	case SYS_JOIN:
		rc = sys_join(d, a0, a1);
		break;
	case SYS_FUTEX_WAIT:
		rc = futex_wait(d, a0, (uint32_t)a1, a2);
		break;
	case SYS_FUTEX_WAKE:
		rc = futex_wake(d, a0, a1);
		break;
	case SYS_WRITE:
		rc = sys_write(d, a0, a1);
		break;
	case SYS_ALLOC:
		rc = sys_alloc(d, a0, a1);
		break;
	case SYS_NULL:
		rc = 0;
		break;
	case SYS_CLOCK:
		rc = (long)virt_clock_ns();
		break;
	case SYS_SELF:
		rc = (long)thread_id(sched_current());
		break;
	default:
		rc = -ENOSYS;
	}
	arch_irq_disable();
	return rc;
}
