/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_COMPARE_H
#define OLAB_COMPARE_H

#include <stdbool.h>

#include <jansson.h>

#include "lib/floor.h"

enum cmp_dir { CMP_LOWER_BETTER, CMP_HIGHER_BETTER, CMP_NO_DIRECTION };

/* Which way is better for a unit: time is better lower, rates higher, "%" has no direction. */
enum cmp_dir cmp_direction(const char *unit);

enum cmp_outcome {
	CMP_SAME,	 /* the change is within the noise of the two runs */
	CMP_BETTER,	 /* beyond the noise, the good way */
	CMP_WORSE,	 /* beyond the noise, the bad way: a regression */
	CMP_CHANGED,	 /* beyond the noise, no direction for this unit */
	CMP_INCOMPARABLE /* missing, unavailable in one run, or different units */
};

struct cmp_row {
	const char *id, *label, *unit;
	double a, b;   /* medians */
	double change; /* (b - a) / |a| * 100, NAN when a is 0 or missing */
	double floor;  /* the run-to-run noise floor applied: % (pp for a metric in %) */
	enum cmp_outcome outcome;
	const char *why; /* for CMP_INCOMPARABLE */
};

/*
 * Compare one metric of run A with the same metric of run B (either may be NULL). Beyond the
 * noise means both: the two 95 % confidence intervals of the median do not overlap (the IQRs
 * when a run recorded no interval), and the change exceeds the run-to-run noise floor.
 */
void cmp_metric(json_t *a, json_t *b, double noise_override, struct cmp_row *row);

/* offloadlab compare RUN_A RUN_B [--json] [--fail-on-regression PCT] */
int compare_main(int argc, char **argv);

#endif
