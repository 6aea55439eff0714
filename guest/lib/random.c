/* SPDX-License-Identifier: MIT */
/* Boot entropy (guest/lib/random.h). */
#include "arch.h"
#include "guest/lib/random.h"
#include "guest/options.h"

/* Command-line options read here (guest/options.h). */
OPTION(OPT_NUM("seed", 0, UINT64_MAX, 0, "random seed (stack offsets): "
	       "the same N, the same layout; 0 = from the CPU's entropy"));

uint64_t random_seed;
const char *random_source = "cycle counter";

void random_init(void)
{
	uint64_t s = option_u64("seed");

	if (s) {
		random_seed = s;
		random_source = "the command line (seed=)";
		return;
	}
	if (!arch_random64(&s, &random_source)) {
		/* No entropy instruction: the counter's low bits, mixed; a
		 * few reads apart, as their jitter is what varies. */
		s = 0;
		for (int i = 0; i < 4; i++)
			s = random_mix(s ^ arch_cycles_raw());
		random_source = "cycle counter";
	}
	random_seed = s ? s : 1;
}
