/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CLAIM_H
#define OLAB_CLAIM_H

/*
 * What an experiment's claim judge (struct exp_claim in exp/exp.h) works with: the medians and
 * 95 % CIs of the metrics it named (its v[], in the order of needs[]), three-valued logic over
 * them, and the verdict and the why it gives. A verdict is reproduced when the claim holds over
 * the whole CI, differs when it fails over the whole CI, inconclusive when a CI straddles the
 * threshold. The context is the report's (report/takeaways.c): a judge sees nothing of the run
 * but its values and the flags it asks for.
 */

#include <stdbool.h>

/* A metric's median and its 95 % CI (the median alone where no CI is recorded). */
struct claim_iv {
	double lo, med, hi;
};

enum tri { T_NO, T_YES, T_MAYBE };

struct claim_ctx;

/* a within [lo, hi] over its whole interval (yes), outside it (no), or straddling (maybe) */
enum tri claim_within(struct claim_iv a, double lo, double hi);
/* a < k * b over both intervals */
enum tri claim_below(struct claim_iv a, struct claim_iv b, double k);
enum tri claim_and(enum tri a, enum tri b);

/* Sets the verdict from the three-valued result; returns it (for the why's wording). */
enum tri claim_judge(struct claim_ctx *c, enum tri v);
/* Sets the why (printf-style). */
void claim_why(struct claim_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Marks the claim not measurable with why the metric id (one of needs[]) has no figure. */
void claim_missing(struct claim_ctx *c, const char *id);
/* Whether the metric id (one of needs[]) carries a flag (e.g. "generator-bound"). */
bool claim_has_flag(const struct claim_ctx *c, const char *id, const char *flag);

#endif
