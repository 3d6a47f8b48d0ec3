// SPDX-License-Identifier: GPL-2.0
/* Run-to-run noise floors by method (lib/floor.h). */
#include <string.h>

#include "lib/floor.h"
#include "lib/util.h"

/*
 * Defaults from A/A runs of 'offloadlab run --quick' on a 2-vCPU VM (README, "Repeatability"):
 * the change that about 95 % of a method's metrics stay within between two runs.
 */
static const struct {
	const char *method;
	double pct;
} floors[] = {
	{ "test-run", CMP_FLOOR_TESTRUN }, { "bpf-stats", CMP_FLOOR_BPFSTATS },
	{ "native", CMP_FLOOR_NATIVE },	   { "live", CMP_FLOOR_LIVE },
	{ "model", CMP_FLOOR_MODEL },
};

double cmp_noise_floor(const char *method, const char *unit, double override)
{
	size_t i;

	if (override >= 0)
		return override;
	if (unit && !strcmp(unit, "%"))
		return CMP_FLOOR_PP;
	for (i = 0; method && i < ARRAY_SIZE(floors); i++)
		if (!strcmp(method, floors[i].method))
			return floors[i].pct;
	return CMP_FLOOR_LIVE; /* unknown: the widest */
}
