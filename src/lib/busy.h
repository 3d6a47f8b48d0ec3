/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_BUSY_H
#define OLAB_BUSY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* Warn when the hypervisor stole this share of the CPUs, or other processes used this much. */
#define BUSY_STEAL_PCT 5
#define BUSY_OTHERS_PCT 10
#define BUSY_MAX_PROCS 4096

struct busy_proc {
	int pid;
	unsigned long long ticks; /* utime + stime */
};

/* A snapshot of the machine: /proc/stat, other processes' CPU time, frequency, load. */
struct busy_snap {
	uint64_t t_ns;
	bool valid;
	unsigned long long total, steal; /* clock ticks over all CPUs */
	double mhz, loadavg;
	size_t nproc;
	struct busy_proc proc[BUSY_MAX_PROCS]; /* not this process's tree, no kernel threads */
};

/* What happened between two snapshots. */
struct busy_report {
	double seconds;
	double steal_pct;  /* of all CPU time; NAN when /proc/stat is unreadable */
	double others_pct; /* CPU time of processes that are not this run's, of all CPU time */
	double mhz_min, mhz_max, loadavg;
	bool busy; /* enough to spoil the figures: why says what */
	char why[200];
};

void busy_snap(struct busy_snap *s);
void busy_between(const struct busy_snap *a, const struct busy_snap *b, struct busy_report *r);
/* {seconds, steal_pct, others_cpu_pct, cpu_mhz_min, cpu_mhz_max, loadavg_1min, busy, why} */
json_t *busy_json(const struct busy_report *r);

#endif
