// SPDX-License-Identifier: GPL-2.0
/*
 * The study's takeaways judged against one run. The claims themselves, with the metrics they
 * read and their thresholds, live with their experiments (struct exp_claim); this is the
 * engine: it finds each claim's metrics in the run, says why one cannot be judged, and gives
 * the judges their three-valued logic over the CIs.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exp/exp.h"
#include "exp/claim.h"
#include "lib/results_load.h"
#include "report/takeaways.h"

/* What a judge is given (exp/claim.h): the run, the takeaway it writes, the needs' values. */
struct claim_ctx {
	json_t *doc;
	struct takeaway *t;
	/* the metrics of needs[], in order; an optional one ("?id") not measured has a NAN med */
	struct claim_iv v[CLAIM_MAX_NEEDS];
};

const char *tk_status_name(enum tk_status s)
{
	switch (s) {
	case TK_REPRODUCED:
		return "reproduced here";
	case TK_DIFFERS:
		return "differs here";
	case TK_INCONCLUSIVE:
		return "inconclusive here";
	default:
		return "not measurable here";
	}
}

static bool ran(json_t *doc, const char *exp)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(doc, "experiments"), i, e)
	{
		const char *n = json_string_value(json_object_get(e, "name"));

		if (n && !strcmp(n, exp))
			return true;
	}
	return false;
}

/* Why the metric has no figure, or NULL when it has one. */
static const char *why_missing(json_t *doc, const char *id)
{
	json_t *m = load_metric(doc, id);
	const char *u = m ? json_string_value(json_object_get(m, "unavailable")) : "not recorded";

	if (!u && isnan(load_num(m, "median")))
		u = "no figure";
	return u;
}

static struct claim_iv interval(json_t *doc, const char *id)
{
	json_t *m = load_metric(doc, id), *ci = json_object_get(m, "ci95");
	struct claim_iv v = { NAN, NAN, NAN };

	if (why_missing(doc, id))
		return v;
	v.med = load_num(m, "median");
	v.lo = json_number_value(json_array_get(ci, 0));
	v.hi = json_number_value(json_array_get(ci, 1));
	if (!(json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1)) &&
	      v.lo <= v.med && v.med <= v.hi))
		v.lo = v.hi = v.med;
	return v;
}

void claim_missing(struct claim_ctx *c, const char *id)
{
	const char *u = why_missing(c->doc, id);

	c->t->status = TK_NOT_MEASURABLE;
	snprintf(c->t->why, sizeof(c->t->why), "%s: %s", id, u ? u : "no figure");
}

bool claim_has_flag(const struct claim_ctx *c, const char *id, const char *flag)
{
	json_t *m = load_metric(c->doc, id), *f;
	size_t i;

	json_array_foreach(m ? json_object_get(m, "flags") : NULL, i, f)
	{
		if (json_is_string(f) && !strcmp(json_string_value(f), flag))
			return true;
	}
	return false;
}

enum tri claim_judge(struct claim_ctx *c, enum tri v)
{
	c->t->status = v == T_YES ? TK_REPRODUCED : v == T_NO ? TK_DIFFERS : TK_INCONCLUSIVE;
	return v;
}

void claim_why(struct claim_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->t->why, sizeof(c->t->why), fmt, ap);
	va_end(ap);
}

/* Appended to the why of an inconclusive takeaway. */
static void straddles(struct takeaway *t)
{
	size_t l = strlen(t->why);

	if (t->status == TK_INCONCLUSIVE && l < sizeof(t->why))
		snprintf(t->why + l, sizeof(t->why) - l,
			 " (inconclusive: the 95 %% CI of a median straddles the claim's "
			 "threshold; more samples or a quieter machine would decide)");
}

/* One claim of experiment e: its metrics found, then its judge. */
static void judge_one(json_t *doc, const struct experiment *e, const struct exp_claim *cl,
		      struct takeaway *t)
{
	struct claim_ctx c = { .doc = doc, .t = t };
	size_t k;

	memset(t, 0, sizeof(*t));
	t->claim = cl->claim;
	t->status = TK_NOT_MEASURABLE;
	if (!ran(doc, e->name)) {
		snprintf(t->why, sizeof(t->why),
			 "'%s' was not part of this run (offloadlab run %s)", e->name, e->name);
		return;
	}
	for (k = 0; k < CLAIM_MAX_NEEDS && cl->needs[k]; k++) {
		bool optional = cl->needs[k][0] == '?';
		const char *id = cl->needs[k] + optional;

		c.v[k] = interval(doc, id);
		if (!optional && isnan(c.v[k].med)) {
			claim_missing(&c, id);
			return;
		}
	}
	cl->judge(&c, c.v);
	straddles(t);
}

size_t takeaways_count(void)
{
	size_t i, n = 0;
	const struct exp_claim *cl;

	for (i = 0; i < exp_count; i++)
		for (cl = exp_table[i]->claims; cl && cl->claim; cl++)
			n++;
	return n;
}

size_t takeaways_judge(json_t *doc, struct takeaway *out, size_t max)
{
	const struct exp_claim *cl;
	size_t i, n = 0;

	if (max < takeaways_count())
		return 0;
	for (i = 0; i < exp_count; i++)
		for (cl = exp_table[i]->claims; cl && cl->claim; cl++)
			judge_one(doc, exp_table[i], cl, &out[n++]);
	return n;
}
