// SPDX-License-Identifier: GPL-2.0
/*
 * The experiments, in the order `offloadlab run` runs them. Each is a `const struct
 * experiment exp_<name>` defined in its folder (src/exp/<name>/<name>_exp.c); adding one is a
 * new folder and one X(...) line here.
 */
#include <fnmatch.h>
#include <string.h>

#include "exp/exp.h"
#include "lib/util.h"

#define OLAB_EXPERIMENTS(X)                                                                        \
	X(hooks)                                                                                   \
	X(echo)                                                                                    \
	X(bandwidth)                                                                               \
	X(preproc)                                                                                 \
	X(isolation)                                                                               \
	X(kv)                                                                                      \
	X(kv_afxdp)                                                                                \
	X(maps)                                                                                    \
	X(channels)                                                                                \
	X(jit)                                                                                     \
	X(memcpy)                                                                                  \
	X(chain)                                                                                   \
	X(limits)

#define EXP_DECLARE(n) extern const struct experiment exp_##n;
OLAB_EXPERIMENTS(EXP_DECLARE)

#define EXP_REF(n) &exp_##n,
const struct experiment *const exp_table[] = { OLAB_EXPERIMENTS(EXP_REF) };

const size_t exp_count = ARRAY_SIZE(exp_table);

const struct experiment *exp_find(const char *name)
{
	size_t i;

	for (i = 0; i < exp_count; i++)
		if (strcmp(exp_table[i]->name, name) == 0)
			return exp_table[i];
	return NULL;
}

bool exp_emits(const struct experiment *e, const char *id)
{
	const char *const *p;

	for (p = e->metrics; p && *p; p++)
		if (!fnmatch(*p, id, 0))
			return true;
	return false;
}
