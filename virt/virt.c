/* SPDX-License-Identifier: MIT */
/* Chooses the hypervisor backend at boot: the first that detects itself. */
#include <string.h>

#include "virt.h"
#include "guest/lib/printf.h"
#include "guest/options.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_ENUM_FN("virt", virt_backend_name, NULL,
	    "force a backend (default: the first detected)"));
OPTION(OPT_BOOL("steal", true, "steal time: KVM's steal-time record, Xen's "
	 "runstate area (off: none, stalls charged as run time)"));

const struct virt_ops *virt;
bool virt_steal_on;

/* Backends in order of preference; "none" always detects. Arch makefiles
 * decide which exist (virt_ops_kvm and virt_ops_xen are x86 or arm only). */
extern const struct virt_ops virt_ops_none;
extern const struct virt_ops virt_ops_kvm __attribute__((weak));
extern const struct virt_ops virt_ops_xen __attribute__((weak));

/* Backend i in order of preference, NULL if not built, past the end too. */
static const struct virt_ops *backend(unsigned i)
{
	const struct virt_ops *const all[] = {&virt_ops_xen, &virt_ops_kvm,
					      &virt_ops_none};

	return i < ARRAY_SIZE(all) ? all[i] : NULL;
}
#define NR_BACKENDS 3

const char *virt_backend_name(unsigned i)
{
	for (unsigned j = 0; j < NR_BACKENDS; j++)
		if (backend(j) && !i--)
			return backend(j)->name;
	return NULL;
}

/* After options_parse(): a virt= it refused reads as absent here. */
const struct virt_ops *virt_select(void)
{
	const char *want = option_str("virt");

	for (unsigned i = 0; i < NR_BACKENDS; i++) {
		const struct virt_ops *v = backend(i);

		if (!v || (want && strcmp(want, v->name)))
			continue;
		if (v->detect())
			return v;
		if (want)
			kprintf("vsched: virt=%s asked for, but not detected\n", want);
	}
	return &virt_ops_none;
}

/* virt_send_ipi() and virt_set_deadline() with tracing on: the event,
 * then the operation (out of line, so the inlines stay tail calls and
 * tracing off costs their callers no stack frame). */
void virt_send_ipi_traced(unsigned cpu, enum ipi_kind k)
{
	trace(TR_IPI_SEND, cpu, k, 0);
	virt->send_ipi(cpu, k);
}

void virt_set_deadline_traced(uint64_t ns)
{
	trace(TR_TIMER_ARM, (uint32_t)ns, (uint32_t)(ns >> 32), 0);
	virt->set_deadline(ns);
}
