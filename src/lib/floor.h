/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_FLOOR_H
#define OLAB_FLOOR_H

/*
 * Run-to-run noise floors by method, % (CMP_FLOOR_PP: percentage points for metrics in %):
 * about the 95th percentile of |change| between two back-to-back 'run --quick' on a quiet
 * 2-vCPU VM of the project's kind (scripts/repeatability.sh; README, "Repeatability"). A
 * change below its floor cannot be told from the machine's own drift there. CMP_FLOOR_NS:
 * times closer than 1 ns are equal (the kernel's test-run timer counts whole ns per run).
 * Here in lib: compare judges two runs by them, and an experiment one engine against another.
 */
#define CMP_FLOOR_TESTRUN 35.0
#define CMP_FLOOR_BPFSTATS 15.0
#define CMP_FLOOR_NATIVE 50.0
#define CMP_FLOOR_LIVE 40.0
#define CMP_FLOOR_MODEL 50.0
#define CMP_FLOOR_PP 45.0
#define CMP_FLOOR_NS 1.0

/*
 * The run-to-run noise floor of a metric: how far its median moves between two runs on one
 * machine with nothing changed (A/A runs, scripts/repeatability.sh), by method. The spread
 * inside one run misses it: the host's other tenants, frequency and cache state move every
 * figure together for minutes at a time. For a metric in "%" the floor is in percentage
 * points. override >= 0 replaces the defaults (compare --noise).
 */
double cmp_noise_floor(const char *method, const char *unit, double override);

#endif
