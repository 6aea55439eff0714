/* SPDX-License-Identifier: MIT */
/* Cross-call slots, one per target vCPU (struct cpu call_*). */
#include "arch.h"
#include "virt.h"
#include "guest/ipi.h"
#include "guest/lib/printf.h"
#include "guest/percpu.h"
#include "guest/pvspin.h"

int ipi_call(unsigned cpu, void (*fn)(void *), void *arg, bool wait)
{
	struct cpu *t = cpu_get(cpu);
	unsigned long f;
	uint64_t seq;
	unsigned spins = 0;

	if (!t || !t->online || !fn)
		return -EINVAL;
	if (t == this_cpu())
		return -EDEADLK;
	for (;;) {
		f = arch_irq_save();
		if (spin_trylock(&t->call_lock))
			break;
		arch_irq_restore(f);
		arch_cpu_relax();
	}
	t->call_fn = fn;
	t->call_arg = arg;
	t->call_wait = wait;
	seq = t->call_seq + 1;
	/* Release: the slot is filled before the target can see seq. Pairs
	 * with the acquire load in ipi_handle_call(). */
	__atomic_store_n(&t->call_seq, seq, __ATOMIC_RELEASE);
	arch_irq_restore(f);
	virt_send_ipi(cpu, IPI_CALL);
	if (!wait)
		return 0; /* the target unlocks the slot */
	/* A target the hypervisor stopped runs the call only once it runs
	 * again: give it this physical CPU (pvyield). */
	while (__atomic_load_n(&t->call_done, __ATOMIC_ACQUIRE) != seq)
		pvyield_relax(&spins, cpu, PVYIELD_CALL);
	int rc = t->call_result;

	spin_unlock(&t->call_lock);
	return rc;
}

/* The call of seq on c is over: tell the sender (and, without wait, free
 * the slot, which the sender left locked). */
static void call_finish(struct cpu *c, uint64_t seq, int result)
{
	bool wait = c->call_wait;

	c->call_result = result;
	/* Release pairs with the sender's acquire wait on call_done. */
	__atomic_store_n(&c->call_done, seq, __ATOMIC_RELEASE);
	if (!wait)
		spin_unlock(&c->call_lock);
}

void ipi_handle_call(void)
{
	struct cpu *c = this_cpu();
	uint64_t seq = __atomic_load_n(&c->call_seq, __ATOMIC_ACQUIRE);

	if (seq == c->call_done)
		return; /* spurious or already handled */
	c->call_running = true;
	c->call_fn(c->call_arg);
	c->call_running = false;
	call_finish(c, seq, 0);
}

void ipi_thread_fault(void)
{
	struct cpu *c = this_cpu();
	uint64_t seq = __atomic_load_n(&c->call_seq, __ATOMIC_ACQUIRE);

	if (seq == c->call_done)
		return; /* no call outstanding here */
	if (c->call_running) { /* fn faulted: running it again would too */
		c->call_running = false;
		kprintf("ipi: cross-call %p on vCPU %u faulted: ended with "
			"-EFAULT\n", (void *)c->call_fn, c->id);
		call_finish(c, seq, -EFAULT);
		return;
	}
	/* Posted, not yet run: its IPI may be the interrupt that faulted in
	 * its entry. Once more; a second handling of one IPI finds it done. */
	virt_send_ipi(c->id, IPI_CALL);
}
