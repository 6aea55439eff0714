/* SPDX-License-Identifier: MIT */
/* Storage of the per-CPU structures; reached through cpu_get()/this_cpu(). */
#include "arch.h"
#include "guest/percpu.h"

static struct cpu cpus[MAX_CPUS];
static unsigned nr_cpus;

struct cpu *cpu_get(unsigned id)
{
	return id < nr_cpus ? &cpus[id] : NULL;
}

unsigned cpu_count(void) { return nr_cpus; }

unsigned cpu_online_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < nr_cpus; i++)
		n += READ_ONCE(cpus[i].online);
	return n;
}

int cpu_wait_online(struct cpu *c)
{
	return WAIT_UNTIL(READ_ONCE(c->online), arch_cycles(),
			  10 * arch_cycles_hz(), arch_cpu_relax())
		       ? 0
		       : -ETIMEDOUT;
}

void cpu_register(unsigned id, uint32_t hw_id)
{
	struct cpu *c = &cpus[id];

	if (id >= MAX_CPUS)
		return;
	c->self = c;
	c->id = id;
	c->hw_id = hw_id;
	if (id >= nr_cpus)
		nr_cpus = id + 1;
}
