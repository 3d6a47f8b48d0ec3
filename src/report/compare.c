// SPDX-License-Identifier: GPL-2.0
/* offloadlab compare: two runs side by side, with the noise of each. */
#include <argp.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cli.h"
#include "report/compare.h"
#include "lib/results_load.h"
#include "lib/table_fmt.h"
#include "report/table.h"
#include "report/takeaways.h"
#include "lib/util.h"

enum cmp_dir cmp_direction(const char *unit)
{
	static const char *const times[] = { "ns", "us", "ms", "s", "cycles", "insns" };
	size_t i;

	if (!unit || !*unit || !strcmp(unit, "%"))
		return CMP_NO_DIRECTION;
	for (i = 0; i < ARRAY_SIZE(times); i++)
		if (!strcmp(unit, times[i]))
			return CMP_LOWER_BETTER;
	if (strstr(unit, "/s") || strstr(unit, "pps") || !strcmp(unit, "x"))
		return CMP_HIGHER_BETTER;
	return CMP_NO_DIRECTION;
}

static const char *cmp_outcome_name(enum cmp_outcome o)
{
	switch (o) {
	case CMP_SAME:
		return "within noise";
	case CMP_BETTER:
		return "better";
	case CMP_WORSE:
		return "REGRESSION";
	case CMP_CHANGED:
		return "changed";
	default:
		return "not comparable";
	}
}

/* The interval a run gives for its median: ci95 if recorded, else p25..p75. */
static void interval(json_t *m, double *lo, double *hi)
{
	json_t *ci = json_object_get(m, "ci95");

	if (json_is_array(ci) && json_array_size(ci) == 2 &&
	    json_is_number(json_array_get(ci, 0)) && json_is_number(json_array_get(ci, 1))) {
		*lo = json_number_value(json_array_get(ci, 0));
		*hi = json_number_value(json_array_get(ci, 1));
	} else {
		*lo = load_num(m, "p25");
		*hi = load_num(m, "p75");
	}
	if (isnan(*lo) || isnan(*hi))
		*lo = *hi = load_num(m, "median");
}

void cmp_metric(json_t *a, json_t *b, double noise_override, struct cmp_row *r)
{
	json_t *any = a ? a : b;
	const char *ua, *ub;
	double alo, ahi, blo, bhi;
	bool overlap;

	memset(r, 0, sizeof(*r));
	r->id = json_string_value(json_object_get(any, "id"));
	r->label = json_string_value(json_object_get(any, "label"));
	r->unit = json_string_value(json_object_get(any, "unit"));
	r->a = load_num(a, "median");
	r->b = load_num(b, "median");
	r->change = NAN;
	r->outcome = CMP_INCOMPARABLE;
	if (!a || !b) {
		r->why = a ? "only in A" : "only in B";
		return;
	}
	ua = json_string_value(json_object_get(a, "unit"));
	ub = json_string_value(json_object_get(b, "unit"));
	if (!ua || !ub || strcmp(ua, ub)) {
		r->why = "the units differ";
		return;
	}
	if (isnan(r->a) || isnan(r->b)) {
		r->why = isnan(r->a) ? "unavailable in A" : "unavailable in B";
		return;
	}
	if (r->a != 0)
		r->change = (r->b - r->a) / fabs(r->a) * 100.0;
	r->floor = cmp_noise_floor(json_string_value(json_object_get(a, "method")), ua,
				   noise_override);
	interval(a, &alo, &ahi);
	interval(b, &blo, &bhi);
	overlap = !(bhi < alo || blo > ahi);
	/* within the run-to-run floor: in percentage points for a change in %, else relative */
	if (!strcmp(ua, "%") ? fabs(r->b - r->a) < r->floor
			     : (!isnan(r->change) && fabs(r->change) < r->floor))
		overlap = true;
	if (!strcmp(ua, "ns") && fabs(r->b - r->a) < CMP_FLOOR_NS && noise_override < 0)
		overlap = true;
	if (overlap) {
		r->outcome = CMP_SAME;
		return;
	}
	switch (cmp_direction(ua)) {
	case CMP_LOWER_BETTER:
		r->outcome = r->b < r->a ? CMP_BETTER : CMP_WORSE;
		break;
	case CMP_HIGHER_BETTER:
		r->outcome = r->b > r->a ? CMP_BETTER : CMP_WORSE;
		break;
	default:
		r->outcome = CMP_CHANGED;
	}
}

/* ---- the command ---- */

struct compare_args {
	const char *run[2];
	int nrun;
	bool json;
	double fail_pct; /* < 0: never fail */
	double noise;	 /* < 0: the per-method defaults */
};

static const char compare_doc[] =
	"Compare two runs metric by metric: both medians, the change, and whether it is beyond "
	"the noise: their 95 % confidence intervals of the median do not overlap AND the change "
	"exceeds the run-to-run noise floor of the metric's method (what A/A runs on one machine "
	"show; --noise sets it). Lower is better for times, higher for rates; changes in % have "
	"no direction. An experiment during which either machine was busy (steal time, other "
	"processes) is not compared. The study's takeaways are judged on both runs and those "
	"whose verdict changed are listed."
	"\vEach RUN is a run folder (results/<timestamp>) or a results.json.\n"
	"Examples:\n"
	"  offloadlab compare results/20261124-101500 results/20261124-113000\n"
	"  offloadlab compare old.json new.json --json\n"
	"  offloadlab compare base.json new.json --fail-on-regression 10   (CI: exit 1)\n"
	"Exit status: 0; 1 when a run cannot be read, or with --fail-on-regression when a "
	"metric got worse beyond the noise by at least PCT %; 64 on a usage error.";

static const struct argp_option compare_options[] = {
	{ "json", 'j', NULL, 0, "Print the comparison as JSON", 0 },
	{ "fail-on-regression", 'f', "PCT", 0,
	  "Exit 1 when a metric is worse beyond the noise by PCT % or more", 0 },
	{ "noise", 'N', "PCT", 0,
	  "Run-to-run noise floor for every metric, in % (pp for metrics in %), instead of the "
	  "per-method defaults measured by A/A runs (0: the confidence intervals alone)",
	  0 },
	{ 0 },
};

static error_t compare_parse(int key, char *arg, struct argp_state *state)
{
	struct compare_args *a = state->input;
	char *end;

	switch (key) {
	case 'j':
		a->json = true;
		break;
	case 'f':
		a->fail_pct = strtod(arg, &end);
		if (end == arg || *end || !(a->fail_pct >= 0) || a->fail_pct > 1e6)
			argp_error(state,
				   "--fail-on-regression takes a percentage (e.g. 10), not '%s'",
				   arg);
		break;
	case 'N':
		a->noise = strtod(arg, &end);
		if (end == arg || *end || !(a->noise >= 0) || a->noise > 1e6)
			argp_error(state, "--noise takes a percentage (e.g. 20), not '%s'", arg);
		break;
	case ARGP_KEY_ARG:
		if (a->nrun >= 2)
			argp_error(state, "compare takes two runs, not more ('%s')", arg);
		a->run[a->nrun++] = arg;
		break;
	case ARGP_KEY_END:
		if (a->nrun != 2)
			argp_error(state, "compare needs two runs: RUN_A RUN_B");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const char *env_str(json_t *doc, const char *k)
{
	const char *s = json_string_value(json_object_get(json_object_get(doc, "environment"), k));

	return s ? s : "unknown";
}

/* id -> metric and id -> its experiment, for lookups in constant time (compare is linear). */
static void index_doc(json_t *doc, json_t *byid, json_t *expof)
{
	json_t *e, *m;
	size_t i, j;

	json_array_foreach(json_object_get(doc, "experiments"), i, e)
	{
		json_array_foreach(json_object_get(e, "metrics"), j, m)
		{
			const char *id = json_string_value(json_object_get(m, "id"));

			if (id && !json_object_get(byid, id)) {
				json_object_set(byid, id, m);
				json_object_set(expof, id, e);
			}
		}
	}
}

static bool exp_busy(json_t *e)
{
	return json_is_true(json_object_get(json_object_get(e, "machine"), "busy"));
}

/* Every metric id of A in order, then those only B has. */
static size_t collect(json_t *da, json_t *db, double noise, struct cmp_row **rows)
{
	json_t *docs[2] = { da, db }, *e, *m;
	json_t *ia = json_object(), *ib = json_object(), *ea = json_object(), *eb = json_object();
	size_t cap = 64, n = 0, i, j;
	int d;

	index_doc(da, ia, ea);
	index_doc(db, ib, eb);
	*rows = malloc(cap * sizeof(**rows));
	for (d = 0; d < 2 && *rows; d++) {
		json_array_foreach(json_object_get(docs[d], "experiments"), i, e)
		{
			json_array_foreach(json_object_get(e, "metrics"), j, m)
			{
				const char *id = json_string_value(json_object_get(m, "id"));
				struct cmp_row *r;

				if (!id || (d == 1 && json_object_get(ia, id)))
					continue;
				if (n == cap) {
					struct cmp_row *nr =
						realloc(*rows, 2 * cap * sizeof(**rows));

					if (!nr)
						goto out;
					*rows = nr;
					cap *= 2;
				}
				r = &(*rows)[n++];
				if (d == 1) {
					cmp_metric(NULL, m, noise, r);
					continue;
				}
				cmp_metric(m, json_object_get(ib, id), noise, r);
				if (r->outcome == CMP_INCOMPARABLE)
					continue;
				if (exp_busy(e) || exp_busy(json_object_get(eb, id))) {
					r->outcome = CMP_INCOMPARABLE;
					r->why = exp_busy(e) ? "the machine was busy during A"
							     : "the machine was busy during B";
				}
			}
		}
	}
out:
	json_decref(ia);
	json_decref(ib);
	json_decref(ea);
	json_decref(eb);
	return n;
}

/*
 * A number in the JSON answer: null when there is none (NaN: e.g. no change from a median of
 * 0), and the strings "inf" / "-inf" when it overflows (a change from a tiny median to a
 * large one), which JSON numbers cannot hold; never dropped (docs/results-schema.md).
 */
static json_t *num_json(double v)
{
	if (isnan(v))
		return json_null();
	if (isinf(v))
		return json_string(v > 0 ? "inf" : "-inf");
	return json_real(v);
}

int compare_main(int argc, char **argv)
{
	struct argp argp = {
		compare_options, compare_parse, "RUN_A RUN_B", compare_doc, NULL, NULL, NULL
	};
	struct compare_args a = { .fail_pct = -1, .noise = -1 };
	struct takeaway ta[16], tb[16];
	size_t nta, ntb, flips = 0;
	char ra[4096], rb[4096];
	json_t *da, *db;
	struct cmp_row *rows = NULL;
	size_t n, i, counts[5] = { 0 };
	int regressions = 0;
	bool unwritten = false;

	if (argp_parse(&argp, argc, argv, 0, NULL, &a))
		return EXIT_USAGE;
	da = load_results(a.run[0], ra, sizeof(ra));
	if (!da)
		return EXIT_FAIL;
	db = load_results(a.run[1], rb, sizeof(rb));
	if (!db) {
		json_decref(da);
		return EXIT_FAIL;
	}
	n = collect(da, db, a.noise, &rows);
	nta = takeaways_judge(da, ta, ARRAY_SIZE(ta));
	ntb = takeaways_judge(db, tb, ARRAY_SIZE(tb));
	for (i = 0; i < nta && i < ntb; i++)
		flips += ta[i].status != tb[i].status;
	for (i = 0; i < n; i++) {
		counts[rows[i].outcome]++;
		if (rows[i].outcome == CMP_WORSE && a.fail_pct >= 0 &&
		    fabs(rows[i].change) >= a.fail_pct)
			regressions++;
	}
	if (a.json) {
		json_t *out = json_object(), *arr = json_array();

		json_object_set_new(out, "a", json_string(ra));
		json_object_set_new(out, "b", json_string(rb));
		for (i = 0; i < n; i++) {
			json_t *o = json_object();

			json_object_set_new(o, "id", json_string(rows[i].id ? rows[i].id : ""));
			json_object_set_new(o, "unit",
					    json_string(rows[i].unit ? rows[i].unit : ""));
			json_object_set_new(o, "a", num_json(rows[i].a));
			json_object_set_new(o, "b", num_json(rows[i].b));
			json_object_set_new(o, "change_pct", num_json(rows[i].change));
			json_object_set_new(o, "outcome",
					    json_string(cmp_outcome_name(rows[i].outcome)));
			json_object_set_new(o, "beyond_noise",
					    json_boolean(rows[i].outcome == CMP_BETTER ||
							 rows[i].outcome == CMP_WORSE ||
							 rows[i].outcome == CMP_CHANGED));
			if (rows[i].why)
				json_object_set_new(o, "why", json_string(rows[i].why));
			else
				json_object_set_new(o, "noise_floor", num_json(rows[i].floor));
			json_array_append_new(arr, o);
		}
		json_object_set_new(out, "metrics", arr);
		arr = json_array();
		for (i = 0; i < nta && i < ntb; i++)
			json_array_append_new(arr,
					      json_pack("{s:s,s:s,s:s,s:b}", "claim", ta[i].claim,
							"a", tk_status_name(ta[i].status), "b",
							tk_status_name(tb[i].status), "changed",
							ta[i].status != tb[i].status));
		json_object_set_new(out, "takeaways", arr);
		json_object_set_new(out, "takeaways_changed", json_integer((json_int_t)flips));
		json_object_set_new(out, "regressions_over_threshold", json_integer(regressions));
		if (json_dumpf(out, stdout, JSON_INDENT(2)) || putchar('\n') == EOF ||
		    fflush(stdout)) {
			fprintf(stderr, "offloadlab compare: could not write the JSON answer\n");
			unwritten = true;
		}
		json_decref(out);
	} else {
		printf("A: %s  (%s, kernel %s, %s)\n", ra,
		       json_string_value(json_object_get(da, "started")) ?: "?",
		       env_str(da, "kernel"), env_str(da, "cpu_model"));
		printf("B: %s  (%s, kernel %s, %s)\n\n", rb,
		       json_string_value(json_object_get(db, "started")) ?: "?",
		       env_str(db, "kernel"), env_str(db, "cpu_model"));
		printf("%-44s %-12s %-12s %-9s %s\n", "metric", "A", "B", "change", "");
		for (i = 0; i < n; i++) {
			char va[32], vb[32], ch[24];
			const char *u = rows[i].unit ? rows[i].unit : "";

			table_fmt(rows[i].a, u, va, sizeof(va));
			table_fmt(rows[i].b, u, vb, sizeof(vb));
			if (isnan(rows[i].change))
				snprintf(ch, sizeof(ch), "-");
			else
				snprintf(ch, sizeof(ch), "%+.1f %%", rows[i].change);
			printf("%-44s %-12s %-12s %-9s %s%s%s\n", rows[i].id ? rows[i].id : "?", va,
			       vb, ch, cmp_outcome_name(rows[i].outcome), rows[i].why ? ": " : "",
			       rows[i].why ? rows[i].why : "");
		}
		printf("\n%zu metrics: %zu within noise, %zu better, %zu worse, %zu changed (no "
		       "direction), %zu not comparable\n",
		       n, counts[CMP_SAME], counts[CMP_BETTER], counts[CMP_WORSE],
		       counts[CMP_CHANGED], counts[CMP_INCOMPARABLE]);
		if (a.fail_pct >= 0)
			printf("%d regression(s) beyond the noise and at least %g %%\n",
			       regressions, a.fail_pct);
		printf("\ntakeaways: %zu of %zu judged differently\n", flips,
		       nta < ntb ? nta : ntb);
		for (i = 0; i < nta && i < ntb; i++)
			if (ta[i].status != tb[i].status)
				printf("  %s: %s -> %s\n", ta[i].claim,
				       tk_status_name(ta[i].status), tk_status_name(tb[i].status));
	}
	free(rows);
	json_decref(da);
	json_decref(db);
	return regressions || unwritten ? EXIT_FAIL : EXIT_OK;
}
