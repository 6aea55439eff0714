/* SPDX-License-Identifier: MIT */
/* Cross-call slots, one per target vCPU (struct cpu call_*). */
#include "arch.h"
#include "virt.h"
#include "guest/ipi.h"
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
	spin_unlock(&t->call_lock);
	return 0;
}

void ipi_handle_call(void)
{
	struct cpu *c = this_cpu();
	uint64_t seq = __atomic_load_n(&c->call_seq, __ATOMIC_ACQUIRE);

	if (seq == c->call_done)
		return; /* spurious or already handled */
	void (*fn)(void *) = c->call_fn;
	void *arg = c->call_arg;
	bool wait = c->call_wait;

	fn(arg);
	/* Release pairs with the sender's acquire wait on call_done. */
	__atomic_store_n(&c->call_done, seq, __ATOMIC_RELEASE);
	if (!wait)
		spin_unlock(&c->call_lock);
}
