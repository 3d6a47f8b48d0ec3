// SPDX-License-Identifier: GPL-2.0
/*
 * The experiments as self-describing units: every one complete, every plot and every claim
 * naming metrics the experiment declares it emits (so a rename cannot break a link silently;
 * tests/san/run_quick.sh checks that a real run emits only declared ids), and the takeaways'
 * judging on prepared results.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent.h"
#include "exp/exp.h"
#include "exp/side.h"
#include "report/takeaways.h"
#include "try/try.h"

/* Whether two glob patterns ('*' and literals) have a string in common. */
static bool globs_meet(const char *p, const char *q)
{
	if (!*p && !*q)
		return true;
	if (*p == '*')
		return globs_meet(p + 1, q) || (*q && globs_meet(p, q + 1));
	if (*q == '*')
		return globs_meet(p, q + 1) || (*p && globs_meet(p + 1, q));
	return *p && *p == *q && globs_meet(p + 1, q + 1);
}

static bool declared_pattern(const struct experiment *e, const char *pat)
{
	const char *const *d;

	for (d = e->metrics; d && *d; d++)
		if (globs_meet(*d, pat))
			return true;
	return false;
}

static void test_globs_meet(void **state)
{
	(void)state;
	assert_true(globs_meet("hooks.reach.*.*.*", "hooks.reach.*.busy"));
	assert_true(globs_meet("kv.tput.*", "kv.tput.*"));
	assert_true(globs_meet("a.b", "a.*"));
	assert_false(globs_meet("kv.tput.*", "kv.lat.*"));
	assert_false(globs_meet("echo.lat.*", "echo.tput.x"));
	assert_false(globs_meet("a.b", "a.c"));
}

static void test_every_experiment_complete(void **state)
{
	size_t i, j;

	(void)state;
	assert_true(exp_count >= 13);
	for (i = 0; i < exp_count; i++) {
		const struct experiment *e = exp_table[i];

		assert_non_null(e->name);
		assert_non_null(e->question);
		assert_non_null(e->paper);
		assert_non_null(e->run);
		assert_true(e->est_quick_s > 0 && e->est_full_s >= e->est_quick_s);
		assert_non_null(e->metrics);
		assert_non_null(e->metrics[0]);
		assert_ptr_equal(exp_find(e->name), e);
		for (j = 0; j < i; j++)
			assert_string_not_equal(exp_table[j]->name, e->name);
	}
	assert_null(exp_find("no-such-experiment"));
}

/* Each plot draws metrics the experiment declares: a renamed id fails here, not silently. */
static void test_plots_name_declared_metrics(void **state)
{
	const struct exp_plot *p;
	size_t i;

	(void)state;
	for (i = 0; i < exp_count; i++)
		for (p = exp_table[i]->plots; p && p->title; p++) {
			if (!declared_pattern(exp_table[i], p->pattern))
				fail_msg("%s: plot '%s' picks '%s', which no declared id matches",
					 exp_table[i]->name, p->title, p->pattern);
			if (p->kind == PK_LINES)
				assert_non_null(p->xlabel);
		}
}

/* Each claim reads metrics its experiment declares, and has a judge. */
static void test_claims_name_declared_metrics(void **state)
{
	const struct exp_claim *c;
	size_t i, k, n = 0;

	(void)state;
	for (i = 0; i < exp_count; i++)
		for (c = exp_table[i]->claims; c && c->claim; c++, n++) {
			assert_non_null(c->judge);
			assert_non_null(c->needs[0]);
			for (k = 0; k < CLAIM_MAX_NEEDS && c->needs[k]; k++) {
				const char *id = c->needs[k] + (c->needs[k][0] == '?');

				if (!exp_emits(exp_table[i], id))
					fail_msg("%s: claim '%s' reads '%s', not a declared id",
						 exp_table[i]->name, c->claim, id);
			}
		}
	assert_int_equal(n, takeaways_count());
	assert_int_equal(n, 9);
}

static void test_emits(void **state)
{
	const struct experiment *kv = exp_find("kv"), *hooks = exp_find("hooks");

	(void)state;
	assert_true(exp_emits(kv, "kv.tput.ratio"));
	assert_true(exp_emits(kv, "kv.sweep.gain.50"));
	assert_false(exp_emits(kv, "kv.tputratio"));
	assert_false(exp_emits(kv, "hooks.prep.xdp.testrun"));
	assert_true(exp_emits(hooks, "hooks.prep.xdp.testrun"));
}

/* ---- server sides ---- */

/* Every experiment that runs with two hosts and a testbed has its server side, as a member. */
static void test_remote_experiments_declare_a_side(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < exp_count; i++) {
		const struct experiment *e = exp_table[i];

		if (e->remote && e->testbed && !e->side)
			fail_msg("%s runs with two hosts but declares no server side (.side)",
				 e->name);
		if (e->side && !e->remote)
			fail_msg("%s has a server side but does not say it runs with two hosts",
				 e->name);
	}
}

/* A side's ops: its prefix, one up and one down, each documented; prefixes never overlap. */
static void test_sides_well_formed(void **state)
{
	const struct exp_side *s, *t;
	const struct side_op *o, *q;
	size_t i, j, n = 0;

	(void)state;
	for (i = 0; (s = agent_side(i)); i++, n++) {
		int up = 0, down = 0;

		assert_non_null(s->prefix);
		assert_true(strlen(s->prefix) >= 2 && s->prefix[strlen(s->prefix) - 1] == '_');
		assert_non_null(s->up);
		assert_non_null(s->op);
		assert_non_null(s->down);
		for (o = s->ops; o && o->name; o++) {
			if (strncmp(o->name, s->prefix, strlen(s->prefix)))
				fail_msg("op %s does not start with its side's prefix %s", o->name,
					 s->prefix);
			assert_non_null(o->doc);
			assert_true(o->doc[0] != '\0');
			up += o->kind == SIDE_UP;
			down += o->kind == SIDE_DOWN;
			for (q = s->ops; q != o; q++)
				assert_string_not_equal(q->name, o->name);
			assert_ptr_equal(agent_side_find(o->name), s);
		}
		if (up != 1 || down != 1)
			fail_msg("side %s: %d up ops and %d down ops (one each)", s->prefix, up,
				 down);
		for (j = 0; j < i; j++) {
			t = agent_side(j);
			if (!strncmp(t->prefix, s->prefix, strlen(t->prefix)) ||
			    !strncmp(s->prefix, t->prefix, strlen(s->prefix)))
				fail_msg("the prefixes %s and %s overlap", t->prefix, s->prefix);
		}
	}
	assert_true(n >= 6);
	assert_ptr_equal(agent_side_find("bw_up"), exp_find("bandwidth")->side);
	assert_ptr_equal(agent_side_find("hk_rows"), exp_find("hooks")->side);
	assert_null(agent_side_find("run"));
	assert_null(agent_side_find("device"));
}

/* The side's state machine, without a device: refusals before up, unknown ops. */
static void test_side_serve_refuses(void **state)
{
	const struct exp_side *bw = exp_find("bandwidth")->side;
	struct side_env env = { 0 };
	void *st = NULL;
	char why[200];
	json_t *req;

	(void)state;
	req = json_pack("{s:s}", "op", "bw_bytes");
	assert_null(side_serve(bw, &env, &st, req, why, sizeof(why)));
	assert_non_null(strstr(why, "not up (bw_up first)"));
	json_decref(req);
	req = json_pack("{s:s}", "op", "bw_nothing");
	assert_null(side_serve(bw, &env, &st, req, why, sizeof(why)));
	assert_non_null(strstr(why, "no op 'bw_nothing'"));
	json_decref(req);
	req = json_pack("{s:s, s:s}", "op", "bw_up", "cond", "sideways");
	assert_null(side_serve(bw, &env, &st, req, why, sizeof(why)));
	assert_non_null(strstr(why, "cond none, xdp, tc or skskb"));
	assert_null(st);
	json_decref(req);
}

/* ---- the takeaways' judging on prepared results ---- */

static void add_metric(json_t *exp, const char *id, double med, double lo, double hi)
{
	json_array_append_new(
		json_object_get(exp, "metrics"),
		json_pack("{s:s, s:f, s:[ff]}", "id", id, "median", med, "ci95", lo, hi));
}

static json_t *add_exp(json_t *doc, const char *name)
{
	json_t *e = json_pack("{s:s, s:[]}", "name", name, "metrics");

	json_array_append_new(json_object_get(doc, "experiments"), e);
	return e;
}

static const struct takeaway *find(const struct takeaway *t, size_t n, const char *claim_start)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(t[i].claim, claim_start, strlen(claim_start)))
			return &t[i];
	fail_msg("no takeaway starting '%s'", claim_start);
	return NULL;
}

/* The takeaway starting claim_start has status, and its why says why_part (when given). */
static void expect_tk(const struct takeaway *t, size_t n, const char *claim_start,
		      enum tk_status status, const char *why_part)
{
	const struct takeaway *k = find(t, n, claim_start);

	assert_int_equal(k->status, status);
	if (why_part && !strstr(k->why, why_part))
		fail_msg("'%s': why '%s' does not say '%s'", claim_start, k->why, why_part);
}

static void test_takeaways_judged(void **state)
{
	json_t *doc = json_pack("{s:[]}", "experiments"), *e;
	struct takeaway t[16];
	size_t n;

	(void)state;
	/* memcpy: 11x over the whole CI reproduces; bandwidth: a CI straddling -7 % is
	 * inconclusive; preproc: a gain of 30 % differs */
	e = add_exp(doc, "memcpy");
	add_metric(e, "memcpy.ratio.bytewise", 11, 10, 12);
	add_metric(e, "memcpy.ratio.u64", 2, 1.9, 2.1);
	e = add_exp(doc, "bandwidth");
	add_metric(e, "bandwidth.change.skskb", -7, -10, -4);
	e = add_exp(doc, "preproc");
	add_metric(e, "preproc.best_gain", 30, 25, 35);
	/* isolation: the change recorded unavailable */
	e = add_exp(doc, "isolation");
	json_array_append_new(json_object_get(e, "metrics"),
			      json_pack("{s:s, s:s}", "id", "isolation.change.heaviest",
					"unavailable", "the load was not carried"));
	/* kv: generator-bound, only the lower bound, above the claim over its CI */
	e = add_exp(doc, "kv");
	add_metric(e, "kv.tput.ratio.atleast", 3.7, 3.6, 3.9);
	add_metric(e, "kv.slowpath_penalty", 6, -9, 16);
	/* limits: ran, but recorded nothing */
	add_exp(doc, "limits");

	n = takeaways_judge(doc, t, 16);
	assert_int_equal(n, takeaways_count());
	assert_int_equal(takeaways_judge(doc, t, 2), 0); /* too small an array: nothing */

	expect_tk(t, n, "Copying 1 KB", TK_REPRODUCED, "11.0x");
	expect_tk(t, n, "An empty SK_SKB program", TK_INCONCLUSIVE, "inconclusive");
	expect_tk(t, n, "Pre-processing", TK_DIFFERS, NULL);
	expect_tk(t, n, "An XDP-offloaded neighbour", TK_NOT_MEASURABLE,
		  "the load was not carried");
	expect_tk(t, n, "Partial offloading", TK_REPRODUCED, "at least 3.70x");
	expect_tk(t, n, "The SK_SKB hook", TK_NOT_MEASURABLE, "not part of this run");
	/* limits ran without metrics */
	expect_tk(t, n, "Runtime and verifier", TK_NOT_MEASURABLE, "not recorded");
	json_decref(doc);

	/* a lower bound below the claim says nothing against it: inconclusive, not differs */
	doc = json_pack("{s:[]}", "experiments");
	e = add_exp(doc, "kv");
	add_metric(e, "kv.tput.ratio.atleast", 1.2, 1.1, 1.3);
	add_metric(e, "kv.slowpath_penalty", 6, -9, 16);
	n = takeaways_judge(doc, t, 16);
	assert_int_equal(find(t, n, "Partial offloading")->status, TK_INCONCLUSIVE);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_globs_meet),
		cmocka_unit_test(test_every_experiment_complete),
		cmocka_unit_test(test_plots_name_declared_metrics),
		cmocka_unit_test(test_claims_name_declared_metrics),
		cmocka_unit_test(test_emits),
		cmocka_unit_test(test_remote_experiments_declare_a_side),
		cmocka_unit_test(test_sides_well_formed),
		cmocka_unit_test(test_side_serve_refuses),
		cmocka_unit_test(test_takeaways_judged),
	};

	agent_side_add(&try_side); /* the agent serves it too (main hands it over) */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
