/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_COMPARE_H
#define OLAB_COMPARE_H

#include <stdbool.h>

#include <jansson.h>

/*
 * Run-to-run noise floors by method, % (CMP_FLOOR_PP: percentage points for metrics in %):
 * about the 95th percentile of |change| between two back-to-back 'run --quick' on a quiet
 * 2-vCPU VM of the project's kind (scripts/repeatability.sh; README, "Repeatability"). A
 * change below its floor cannot be told from the machine's own drift there. CMP_FLOOR_NS:
 * times closer than 1 ns are equal (the kernel's test-run timer counts whole ns per run).
 */
#define CMP_FLOOR_TESTRUN 35.0
#define CMP_FLOOR_BPFSTATS 15.0
#define CMP_FLOOR_NATIVE 50.0
#define CMP_FLOOR_LIVE 40.0
#define CMP_FLOOR_MODEL 50.0
#define CMP_FLOOR_PP 45.0
#define CMP_FLOOR_NS 1.0

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
 * The run-to-run noise floor of a metric: how far its median moves between two runs on one
 * machine with nothing changed (A/A runs, scripts/repeatability.sh), by method. The spread
 * inside one run misses it: the host's other tenants, frequency and cache state move every
 * figure together for minutes at a time. For a metric in "%" the floor is in percentage
 * points. override >= 0 replaces the defaults (compare --noise).
 */
double cmp_noise_floor(const char *method, const char *unit, double override);

/*
 * Compare one metric of run A with the same metric of run B (either may be NULL). Beyond the
 * noise means both: the two 95 % confidence intervals of the median do not overlap (the IQRs
 * when a run recorded no interval), and the change exceeds the run-to-run noise floor.
 */
void cmp_metric(json_t *a, json_t *b, double noise_override, struct cmp_row *row);

/* offloadlab compare RUN_A RUN_B [--json] [--fail-on-regression PCT] */
int compare_main(int argc, char **argv);

#endif
