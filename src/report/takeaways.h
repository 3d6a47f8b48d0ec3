/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TAKEAWAYS_H
#define OLAB_TAKEAWAYS_H

#include <stddef.h>

#include <jansson.h>

/*
 * Judged on the 95 % CIs of the medians: reproduced when the claim holds over the whole CI,
 * differs when it fails over the whole CI, inconclusive when the CI straddles the threshold.
 */
enum tk_status { TK_REPRODUCED, TK_DIFFERS, TK_NOT_MEASURABLE, TK_INCONCLUSIVE };

struct takeaway {
	const char *claim; /* the study's words */
	enum tk_status status;
	char why[400];
};

/*
 * The study's takeaways (the claims of every experiment, in the registry's order), each judged
 * against a loaded run. Returns how many were filled, 0 when max is below takeaways_count().
 */
size_t takeaways_judge(json_t *doc, struct takeaway *out, size_t max);
size_t takeaways_count(void);
const char *tk_status_name(enum tk_status s);

#endif
