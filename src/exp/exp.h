/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_EXP_H
#define OLAB_EXP_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/results.h"

struct run_opts {
	bool quick;	      /* fewer samples: the whole suite in minutes */
	unsigned int samples; /* 0: the experiment's default */
};

/*
 * One experiment of the study. run() fills r and never prints results; it returns 0, or
 * -errno when it could not run at all (r->error says why). Metrics it cannot measure here are
 * recorded as unavailable with the reason, not as a failure.
 */
struct experiment {
	const char *name;
	const char *question;
	const char *paper;
	int (*run)(const struct run_opts *o, struct result *r);
	/* typical wall time on a 2-core VM, --quick and default: progress and the budget */
	double est_quick_s, est_full_s;
};

extern const struct experiment exp_table[];
extern const size_t exp_count;

const struct experiment *exp_find(const char *name);

#endif
