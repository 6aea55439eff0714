/* SPDX-License-Identifier: MIT */
/* Boot-time patching of the jump sites (guest/jump.h). */
#include "guest/jump.h"
#include "guest/panic.h"

/* One ARCH_JUMP_SITE: two offsets from the record's own fields, and the
 * key. */
struct jump_site {
	int32_t site, target;
	uint32_t key;
};
extern const struct jump_site __jump_sites_start[], __jump_sites_end[];

unsigned jump_enable(enum jump_key key)
{
	unsigned n = 0;

	for (const struct jump_site *j = __jump_sites_start;
	     j < __jump_sites_end; j++) {
		uintptr_t site = (uintptr_t)&j->site + (intptr_t)j->site;
		uintptr_t target = (uintptr_t)&j->target + (intptr_t)j->target;

		if (j->key != key)
			continue;
		if (arch_jump_patch((void *)site, (void *)target))
			panic("jump: cannot patch the site at 0x%lx", site);
		n++;
	}
	return n;
}
