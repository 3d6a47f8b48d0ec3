// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/atomicfile.h"
#include "lib/jbound.h"
#include "lib/results.h"
#include "lib/util.h"

static const char *const method_names[] = {
	[METHOD_TESTRUN] = "test-run", [METHOD_LIVE] = "live",	   [METHOD_BPFSTATS] = "bpf-stats",
	[METHOD_MODEL] = "model",      [METHOD_NATIVE] = "native",
};

const char *method_name(enum method m)
{
	if ((size_t)m >= ARRAY_SIZE(method_names))
		return "unknown";
	return method_names[m];
}

void result_init(struct result *r, const char *exp)
{
	memset(r, 0, sizeof(*r));
	r->exp = exp;
}

void result_free(struct result *r)
{
	size_t i;

	for (i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	for (i = 0; i < r->n; i++)
		free(r->m[i]);
	free(r->m);
	memset(r, 0, sizeof(*r));
}

struct metric *result_add(struct result *r, const char *id, const char *label, const char *unit,
			  enum method method)
{
	struct metric *m;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		struct metric **nm = realloc(r->m, cap * sizeof(*nm));

		if (!nm)
			return NULL;
		r->m = nm;
		r->cap = cap;
	}
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	r->m[r->n++] = m;
	snprintf(m->id, sizeof(m->id), "%s", id);
	snprintf(m->label, sizeof(m->label), "%s", label);
	snprintf(m->unit, sizeof(m->unit), "%s", unit);
	m->method = method;
	m->s.p50 = NAN;
	return m;
}

struct metric *result_addf(struct result *r, const char *unit, enum method method,
			   const char *idfmt, ...)
{
	char id[sizeof(((struct metric *)0)->id)];
	va_list ap;

	va_start(ap, idfmt);
	vsnprintf(id, sizeof(id), idfmt, ap);
	va_end(ap);
	return result_add(r, id, id, unit, method);
}

struct metric *result_add_spec(struct result *r, const struct metric_spec *spec)
{
	struct metric *m = result_add(r, spec->id, spec->label, spec->unit, spec->method);

	if (m && spec->ref)
		metric_set_paper(m, spec->paper, spec->ref);
	return m;
}

void metric_note(struct metric *m, const char *fmt, ...)
{
	va_list ap;

	if (!m)
		return;
	va_start(ap, fmt);
	vsnprintf(m->note, sizeof(m->note), fmt, ap);
	va_end(ap);
}

void metric_label(struct metric *m, const char *fmt, ...)
{
	va_list ap;

	if (!m)
		return;
	va_start(ap, fmt);
	vsnprintf(m->label, sizeof(m->label), fmt, ap);
	va_end(ap);
}

struct metric *result_find(struct result *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->m[i]->id, id) == 0)
			return r->m[i];
	return NULL;
}

void result_note(struct result *r, const char *fmt, ...)
{
	char **nn, *s = NULL;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (len < 0)
		return;
	nn = realloc(r->notes, (r->nnotes + 1) * sizeof(*nn));
	if (!nn) {
		free(s);
		return;
	}
	r->notes = nn;
	r->notes[r->nnotes++] = s;
}

void metric_set_samples(struct metric *m, struct stats_samples *s, size_t wanted)
{
	stats_samples_summary(s, &m->s);
	if (stats_too_wide(&m->s, 0.5))
		m->flags |= METRIC_WIDE;
	m->wanted = wanted;
	if (wanted && s->n < wanted)
		m->flags |= METRIC_FEW;
	if (!s->n && !m->unavailable[0])
		snprintf(m->unavailable, sizeof(m->unavailable), "no samples were collected");
}

static const double metric_cdf_q[METRIC_CDF_POINTS] = { 0.001, 0.01,   0.05, 0.1,  0.2,	 0.3,
							0.4,   0.5,    0.6,  0.7,  0.8,	 0.85,
							0.9,   0.95,   0.97, 0.98, 0.99, 0.995,
							0.999, 0.9999, 1.0 };

void metric_set_hist(struct metric *m, const struct stats_hist *h, size_t wanted)
{
	int i;

	stats_hist_summary(h, &m->s);
	if (stats_too_wide(&m->s, 0.5))
		m->flags |= METRIC_WIDE;
	m->wanted = wanted;
	if (wanted && h->n < wanted)
		m->flags |= METRIC_FEW;
	if (!h->n) {
		if (!m->unavailable[0])
			snprintf(m->unavailable, sizeof(m->unavailable),
				 "no samples were collected");
		return;
	}
	for (i = 0; i < METRIC_CDF_POINTS; i++)
		m->cdf[i] = stats_hist_quantile(h, metric_cdf_q[i]);
	m->has_cdf = true;
}

void metric_set_value(struct metric *m, double v)
{
	struct stats_samples one;

	stats_samples_init(&one);
	stats_samples_add(&one, v);
	metric_set_samples(m, &one, 0);
	stats_samples_free(&one);
}

void metric_set_paper(struct metric *m, double value, const char *ref)
{
	m->has_paper = true;
	m->paper = value;
	snprintf(m->paper_ref, sizeof(m->paper_ref), "%s", ref);
}

void metric_engine(struct metric *m, const char *engine)
{
	if (m)
		snprintf(m->engine, sizeof(m->engine), "%s", engine);
}

void metric_unavailable(struct metric *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(m->unavailable, sizeof(m->unavailable), fmt, ap);
	va_end(ap);
}

enum verdict verdict_interval(double lo, double hi, double band_lo, double band_hi)
{
	if (hi < band_lo || lo > band_hi)
		return VERDICT_DIFFERS;
	/* it meets the band, but is too wide to say more than "maybe" */
	if (hi - lo > band_hi - band_lo)
		return VERDICT_INCONCLUSIVE;
	return VERDICT_AGREES;
}

/* The metric's 95 % CI of the median; the median alone where no CI is recorded. */
static void metric_ci(const struct metric *m, double *lo, double *hi)
{
	*lo = m->s.ci_lo;
	*hi = m->s.ci_hi;
	if (!(*lo <= m->s.p50 && m->s.p50 <= *hi))
		*lo = *hi = m->s.p50;
}

void metric_verdict(const struct metric *m, char *buf, size_t len)
{
	double ours = m->s.p50, lo, hi, blo, bhi, ratio;
	const char *u = m->unit;
	bool pct = !strcmp(u, "%");

	if (m->unavailable[0]) {
		snprintf(buf, len, "unavailable");
		return;
	}
	if (!m->has_paper) {
		snprintf(buf, len, "no paper value");
		return;
	}
	if (isnan(ours)) {
		snprintf(buf, len, "no data");
		return;
	}
	metric_ci(m, &lo, &hi);
	if (pct) {
		/* a change in percent: compare in percentage points, not as a ratio */
		blo = m->paper - 5.0;
		bhi = m->paper + 5.0;
	} else if (m->paper == 0) {
		/* an origin (e.g. XDP reach time): only "close to zero" can agree */
		blo = -1.0;
		bhi = 1.0;
	} else {
		blo = fmin(m->paper * 0.7, m->paper * 1.3);
		bhi = fmax(m->paper * 0.7, m->paper * 1.3);
	}
	switch (verdict_interval(lo, hi, blo, bhi)) {
	case VERDICT_INCONCLUSIVE:
		if (pct || m->paper == 0)
			snprintf(buf, len, "inconclusive: CI %.3g..%.3g %s is wider than the band",
				 lo, hi, u);
		else
			snprintf(buf, len,
				 "inconclusive: CI %.2g..%.2gx the paper's, wider than +-30 %%",
				 lo / m->paper, hi / m->paper);
		return;
	case VERDICT_AGREES:
		if (pct)
			snprintf(buf, len, "agrees (%+.1f pp)", ours - m->paper);
		else if (m->paper == 0)
			snprintf(buf, len, "agrees (origin)");
		else
			snprintf(buf, len, "agrees (%+.0f %%)", (ours / m->paper - 1.0) * 100.0);
		return;
	default:
		break;
	}
	if (pct) {
		snprintf(buf, len, "differs: %+.1f pp", ours - m->paper);
		return;
	}
	if (m->paper == 0) {
		snprintf(buf, len, "differs: %.3g %s from 0", ours, u);
		return;
	}
	ratio = ours / m->paper;
	if (ratio > 1.0)
		snprintf(buf, len, "differs: %.2gx higher", ratio);
	else if (ratio > 0)
		snprintf(buf, len, "differs: %.2gx lower", 1.0 / ratio);
	else
		snprintf(buf, len, "differs: %.3g vs %.3g", ours, m->paper);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *metric_to_json(const struct metric *m)
{
	char verdict[96];
	json_t *o = json_object(), *flags = json_array();
	bool na = m->unavailable[0] != '\0';

	json_object_set_new(o, "id", json_string(m->id));
	json_object_set_new(o, "label", json_string(m->label));
	json_object_set_new(o, "unit", json_string(m->unit));
	json_object_set_new(o, "method", json_string(method_name(m->method)));
	json_object_set_new(o, "n", json_integer((json_int_t)m->s.n));
	if (m->wanted)
		json_object_set_new(o, "wanted", json_integer((json_int_t)m->wanted));
	/* unavailable: every statistic is null (docs/results-schema.md) */
	json_object_set_new(o, "median", num(na ? NAN : m->s.p50));
	json_object_set_new(o, "p25", num(na ? NAN : m->s.p25));
	json_object_set_new(o, "p75", num(na ? NAN : m->s.p75));
	json_object_set_new(o, "p90", num(na ? NAN : m->s.p90));
	json_object_set_new(o, "p99", num(na ? NAN : m->s.p99));
	json_object_set_new(o, "p999", num(na ? NAN : m->s.p999));
	json_object_set_new(o, "min", num(na ? NAN : m->s.min));
	json_object_set_new(o, "max", num(na ? NAN : m->s.max));
	json_object_set_new(o, "mean", num(na ? NAN : m->s.mean));
	json_object_set_new(o, "ci95",
			    na ? json_null() : json_pack("[oo]", num(m->s.ci_lo), num(m->s.ci_hi)));
	if (m->flags & METRIC_WIDE)
		json_array_append_new(flags, json_string("wide"));
	if (m->flags & METRIC_NONLINEAR)
		json_array_append_new(flags, json_string("nonlinear"));
	if (m->flags & METRIC_FEW)
		json_array_append_new(flags, json_string("few-samples"));
	if (m->flags & METRIC_GENBOUND)
		json_array_append_new(flags, json_string("generator-bound"));
	json_object_set_new(o, "flags", flags);
	if (m->has_paper)
		json_object_set_new(
			o, "paper",
			json_pack("{s:o,s:s}", "value", num(m->paper), "ref", m->paper_ref));
	else
		json_object_set_new(o, "paper", json_null());
	metric_verdict(m, verdict, sizeof(verdict));
	json_object_set_new(o, "verdict", json_string(verdict));
	json_object_set_new(o, "note", m->note[0] ? json_string(m->note) : json_null());
	json_object_set_new(o, "unavailable",
			    m->unavailable[0] ? json_string(m->unavailable) : json_null());
	if (m->engine[0])
		json_object_set_new(o, "engine", json_string(m->engine));
	if (m->has_cdf) {
		json_t *cdf = json_array();
		int i;

		for (i = 0; i < METRIC_CDF_POINTS; i++)
			json_array_append_new(cdf,
					      json_pack("[fo]", metric_cdf_q[i], num(m->cdf[i])));
		json_object_set_new(o, "cdf", cdf);
	}
	return o;
}

json_t *result_to_json(const struct result *r, const char *question, const char *paper)
{
	json_t *o = json_object(), *metrics = json_array(), *notes = json_array();
	size_t i;

	json_object_set_new(o, "name", json_string(r->exp));
	json_object_set_new(o, "question", json_string(question));
	json_object_set_new(o, "paper", json_string(paper));
	json_object_set_new(o, "status", json_string(r->error[0] ? "failed" : "ok"));
	json_object_set_new(o, "error", r->error[0] ? json_string(r->error) : json_null());
	json_object_set_new(o, "duration_s", json_real(r->duration_s));
	for (i = 0; i < r->nnotes; i++)
		json_array_append_new(notes, json_string(r->notes[i]));
	json_object_set_new(o, "notes", notes);
	for (i = 0; i < r->n; i++)
		json_array_append_new(metrics, metric_to_json(r->m[i]));
	json_object_set_new(o, "metrics", metrics);
	return o;
}

static int dump_json(FILE *f, void *doc)
{
	return json_dumpf(doc, f, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(10))
		       ? (errno ? -errno : -EIO)
		       : 0;
}

int results_write_json(const char *path, json_t *doc)
{
	/* a reader never sees half a document, and no planted name is followed */
	return atomic_write(path, dump_json, doc);
}

/* A summary value from elsewhere: absent or null is NAN, a number must be within range. */
static double jnum(struct jb *b, json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_number(v) ? jb_real(b, v, k, -JB_REAL_MAX, JB_REAL_MAX) : NAN;
}

/* Every number range-checked (b says the first refused); its strings are the caller's to vet. */
static void metric_from_json(struct jb *b, json_t *mj, struct metric *m)
{
	json_t *ci = json_object_get(mj, "ci95"), *paper = json_object_get(mj, "paper"), *f,
	       *cdf = json_object_get(mj, "cdf");
	const char *u = json_string_value(json_object_get(mj, "unavailable"));
	const char *note = json_string_value(json_object_get(mj, "note"));
	const char *engine = json_string_value(json_object_get(mj, "engine"));
	size_t i;

	m->s.n = json_is_integer(json_object_get(mj, "n"))
			 ? (size_t)jb_key_int(b, mj, "n", 0, JB_COUNT_MAX)
			 : 0;
	if (engine && (!strcmp(engine, "socket") || !strcmp(engine, "xdp")))
		metric_engine(m, engine);
	m->wanted = json_is_integer(json_object_get(mj, "wanted"))
			    ? (uint64_t)jb_key_int(b, mj, "wanted", 0, JB_COUNT_MAX)
			    : 0;
	m->s.p50 = jnum(b, mj, "median");
	m->s.p25 = jnum(b, mj, "p25");
	m->s.p75 = jnum(b, mj, "p75");
	m->s.p90 = jnum(b, mj, "p90");
	m->s.p99 = jnum(b, mj, "p99");
	m->s.p999 = jnum(b, mj, "p999");
	m->s.min = jnum(b, mj, "min");
	m->s.max = jnum(b, mj, "max");
	m->s.mean = jnum(b, mj, "mean");
	m->s.ci_lo =
		json_is_number(json_array_get(ci, 0))
			? jb_real(b, json_array_get(ci, 0), "ci95[0]", -JB_REAL_MAX, JB_REAL_MAX)
			: NAN;
	m->s.ci_hi =
		json_is_number(json_array_get(ci, 1))
			? jb_real(b, json_array_get(ci, 1), "ci95[1]", -JB_REAL_MAX, JB_REAL_MAX)
			: NAN;
	json_array_foreach(json_object_get(mj, "flags"), i, f)
	{
		const char *s = json_string_value(f);

		m->flags |= !s				    ? 0
			    : !strcmp(s, "wide")	    ? METRIC_WIDE
			    : !strcmp(s, "nonlinear")	    ? METRIC_NONLINEAR
			    : !strcmp(s, "few-samples")	    ? METRIC_FEW
			    : !strcmp(s, "generator-bound") ? METRIC_GENBOUND
							    : 0;
	}
	if (json_is_object(paper) && json_is_number(json_object_get(paper, "value")))
		metric_set_paper(m, jnum(b, paper, "value"),
				 json_string_value(json_object_get(paper, "ref"))
					 ? json_string_value(json_object_get(paper, "ref"))
					 : "");
	if (note)
		metric_note(m, "%s", note);
	if (u)
		snprintf(m->unavailable, sizeof(m->unavailable), "%s", u);
	if (json_array_size(cdf) == METRIC_CDF_POINTS) {
		m->has_cdf = true;
		for (i = 0; i < METRIC_CDF_POINTS; i++) {
			json_t *v = json_array_get(json_array_get(cdf, i), 1);

			m->cdf[i] = json_is_number(v) ? jb_real(b, v, "a cdf point", -JB_REAL_MAX,
								JB_REAL_MAX)
						      : NAN;
		}
	}
}

int result_from_json(json_t *ej, struct result *r)
{
	struct jb b = { .what = "the agent's result" };
	json_t *mj, *note;
	size_t i;

	if (!json_is_object(ej) || !json_is_array(json_object_get(ej, "metrics")))
		return -EINVAL;
	json_array_foreach(json_object_get(ej, "metrics"), i, mj)
	{
		const char *id = json_string_value(json_object_get(mj, "id"));
		const char *label = json_string_value(json_object_get(mj, "label"));
		const char *unit = json_string_value(json_object_get(mj, "unit"));
		const char *meth = json_string_value(json_object_get(mj, "method"));
		enum method mt = METHOD_LIVE;
		struct metric *m;

		if (!id)
			continue;
		for (int k = METHOD_TESTRUN; k <= METHOD_NATIVE; k++)
			if (meth && !strcmp(meth, method_name((enum method)k)))
				mt = (enum method)k;
		m = result_add(r, id, label ? label : id, unit ? unit : "", mt);
		if (m)
			metric_from_json(&b, mj, m);
		if (b.err) {
			snprintf(r->error, sizeof(r->error), "%.180s (metric %.60s)", b.why, id);
			return b.err;
		}
	}
	json_array_foreach(json_object_get(ej, "notes"), i, note)
	{
		if (json_is_string(note))
			result_note(r, "%s", json_string_value(note));
	}
	if (json_is_string(json_object_get(ej, "error")))
		snprintf(r->error, sizeof(r->error), "%s",
			 json_string_value(json_object_get(ej, "error")));
	return 0;
}
