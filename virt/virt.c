/* SPDX-License-Identifier: MIT */
/* Chooses the hypervisor backend at boot: the first that detects itself. */
#include <string.h>

#include "virt.h"
#include "guest/lib/cmdline.h"
#include "guest/lib/printf.h"

const struct virt_ops *virt;

/* Backends in order of preference; "none" always detects. Arch makefiles
 * decide which exist (virt_ops_kvm and virt_ops_xen are x86 or arm only). */
extern const struct virt_ops virt_ops_none;
extern const struct virt_ops virt_ops_kvm __attribute__((weak));
extern const struct virt_ops virt_ops_xen __attribute__((weak));

const struct virt_ops *virt_select(void)
{
	const struct virt_ops *const all[] = {&virt_ops_xen, &virt_ops_kvm,
					      &virt_ops_none};
	const char *want = cmdline_get(&boot_cmdline, "virt");

	for (unsigned i = 0; i < ARRAY_SIZE(all); i++) {
		const struct virt_ops *v = all[i];

		if (!v || (want && strcmp(want, v->name)))
			continue;
		if (v->detect())
			return v;
		if (want)
			kprintf("vsched: virt=%s asked for, but not detected\n", want);
	}
	return &virt_ops_none;
}
