/* SPDX-License-Identifier: MIT */
/* Storage of the per-CPU structures; reached through cpu_get()/this_cpu(). */
#include "arch.h"
#include "guest/percpu.h"

struct cpu percpu_cpus[MAX_CPUS];
unsigned percpu_nr;

unsigned cpu_online_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < percpu_nr; i++)
		n += READ_ONCE(percpu_cpus[i].online);
	return n;
}

int cpu_wait_online(struct cpu *c)
{
	return WAIT_UNTIL(READ_ONCE(c->online), arch_cycles(),
			  10 * arch_cycles_hz(), arch_cpu_relax())
		       ? 0
		       : -ETIMEDOUT;
}

struct cpu *cpu_find_hw_id(uint32_t hw_id)
{
	for (unsigned i = 1; i < cpu_count(); i++)
		if (cpu_get(i)->hw_id == hw_id)
			return cpu_get(i);
	return NULL;
}

void cpu_register(unsigned id, uint32_t hw_id)
{
	struct cpu *c = &percpu_cpus[id];

	if (id >= MAX_CPUS)
		return;
	c->self = c;
	c->id = id;
	c->hw_id = hw_id;
	if (id >= percpu_nr)
		percpu_nr = id + 1;
}
