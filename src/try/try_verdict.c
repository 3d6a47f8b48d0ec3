// SPDX-License-Identifier: GPL-2.0
/*
 * What try measured, as metrics (the report and compare read them like any run's) and as the
 * verdict: the throughput gain with its CI, the slow-path penalty per class, the break-even of
 * the offload model fed with the measured costs, and the words "pays here", "does not pay
 * here" or "inconclusive here".
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp/gen.h"
#include "lib/log.h"
#include "lib/offload_model.h"
#include "lib/results.h"
#include "try/try_measure.h"

static const char *const ph_key[2] = { "without", "with" };

void tm_init(struct tm *m)
{
	int i, k, p, l;

	for (p = 0; p < 2; p++) {
		stats_samples_init(&m->kps[p]);
		stats_samples_init(&m->busy[p]);
		stats_samples_init(&m->seen[p]);
	}
	stats_samples_init(&m->ceil);
	stats_samples_init(&m->kps_sock);
	for (i = 0; i < TRY_PROGS_MAX; i++) {
		stats_samples_init(&m->cost[i]);
		stats_samples_init(&m->cost_run[i]);
	}
	for (k = 0; k < WL_CLASSES_MAX; k++)
		stats_samples_init(&m->pen[k]);
	for (k = 0; k < WL_CLASSES_MAX; k++)
		for (p = 0; p < 2; p++) {
			stats_hist_init(&m->lat_sock[k][p]);
			for (l = 0; l < TRY_LOADS_MAX; l++)
				stats_hist_init(&m->lat[k][p][l]);
		}
}

void tm_free(struct tm *m)
{
	int i, p;

	for (p = 0; p < 2; p++) {
		stats_samples_free(&m->kps[p]);
		stats_samples_free(&m->busy[p]);
		stats_samples_free(&m->seen[p]);
	}
	stats_samples_free(&m->ceil);
	stats_samples_free(&m->kps_sock);
	for (i = 0; i < TRY_PROGS_MAX; i++) {
		stats_samples_free(&m->cost[i]);
		stats_samples_free(&m->cost_run[i]);
	}
	for (i = 0; i < WL_CLASSES_MAX; i++) {
		try_codec_free(&m->cls[i]);
		stats_samples_free(&m->pen[i]);
	}
	try_codec_free(&m->all);
	free(m->raw);
	free(m->pick);
	json_decref(m->attach_argv);
	json_decref(m->detach_argv);
	free(m);
}

/*
 * s as one component of a metric id: lower-case letters, digits and '_' (ids are dotted
 * [a-z0-9_] words, docs/results.schema.json), anything else '_'.
 */
static void id_part(const char *s, char *out, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++) {
		char c = s[i];

		out[i] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c
			 : c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a')
						: '_';
	}
	out[i] = '\0';
}

/* Class k's id component; a class whose component another one had first gets its index. */
static void class_id(const struct workload *w, unsigned int k, char *out, size_t len)
{
	char other[WL_CLASS_LEN + 1];
	unsigned int j;

	id_part(w->cls[k], out, len);
	for (j = 0; j < k; j++) {
		id_part(w->cls[j], other, sizeof(other));
		if (!strcmp(other, out)) {
			snprintf(out + strlen(out), len - strlen(out), "_%u", k);
			break;
		}
	}
}

/* s summarised into a new metric (s is sorted by it: pass a copy where order matters). */
static struct metric *samples_metric(struct result *r, const char *id, const char *label,
				     const char *unit, enum method meth, struct stats_samples *s,
				     size_t wanted)
{
	struct metric *m = result_add(r, id, label, unit, meth);
	struct stats_samples c;
	size_t i;

	if (!m)
		return NULL;
	stats_samples_init(&c);
	for (i = 0; i < s->n; i++)
		if (!isnan(s->v[i]))
			stats_samples_add(&c, s->v[i]);
	if (c.n)
		metric_set_samples(m, &c, wanted);
	else
		metric_unavailable(m, "no sample");
	stats_samples_free(&c);
	return m;
}

/* The paired ratios with / without of each repetition. */
static struct metric *gain_metric(struct tm *m)
{
	struct stats_samples g;
	struct metric *mt;
	size_t i;

	stats_samples_init(&g);
	for (i = 0; i < m->kps[PH_WITH].n && i < m->kps[PH_WITHOUT].n; i++)
		if (m->kps[PH_WITHOUT].v[i] > 0)
			stats_samples_add(&g, m->kps[PH_WITH].v[i] / m->kps[PH_WITHOUT].v[i]);
	mt = samples_metric(m->x->r, "try.gain", "throughput with the offload over without", "x",
			    METHOD_MODEL, &g, (size_t)m->reps);
	metric_note(mt, "the ratio of each repetition's interleaved pair, the order rotated");
	stats_samples_free(&g);
	return mt;
}

/* The offload's cost per request (ns, the programs summed) and the app's (dut CPU per request) */
static double cost_per_req(struct tm *m)
{
	double c = 0;
	int i;

	for (i = 0; i < m->nprogs; i++) {
		double v = tm_median(&m->cost[i]);

		if (!isnan(v))
			c += v;
	}
	return m->nprogs ? c : NAN;
}

/* The engine that measured the runs: the XDP one when it was open. */
static const char *engine(const struct tm *m)
{
	return lg_engine_name(m->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET);
}

/*
 * The median latency with over without (by engine eng), as a metric and in pen: from the
 * interleaved repetitions' samples (one each) where there are some, else from p50 (one run a
 * phase, the socket engine's cross-check).
 */
static void penalty(struct tm *m, const char *cid, const char *cls, const char *sfx,
		    const char *eng, const double p50[2], struct stats_samples *reps, json_t *pen)
{
	struct result *r = m->x->r;
	struct metric *mt;

	if (!(reps && reps->n) && (isnan(p50[0]) || isnan(p50[1]) || !(p50[0] > 0)))
		return;
	mt = result_addf(r, "%", METHOD_MODEL, "try.penalty.%s%s", cid, sfx);
	metric_label(mt, "median latency of class %s with the offload over without%s", cls,
		     sfx[0] ? ", socket engine (cross-check)" : "");
	if (reps && reps->n) {
		metric_set_samples(mt, reps, (size_t)m->reps);
		metric_note(mt,
			    "the class's median with the offload against without, per interleaved "
			    "repetition at the first load (%zu)",
			    reps->n);
	} else {
		metric_set_value(mt, 100.0 * (p50[1] / p50[0] - 1));
		metric_note(mt, "one run a phase: no spread");
	}
	metric_engine(mt, eng);
	json_object_set_new(pen, cls, json_real(mt->s.p50));
}

/* The socket engine's latency of class k at the first load beside the XDP engine's (first). */
static void lat_xcheck(struct tm *m, struct result *r, unsigned int k, const char *cid,
		       struct metric *const first[2], json_t *pen_sock)
{
	double p50[2] = { NAN, NAN };
	int p;

	for (p = 0; p < 2; p++) {
		struct metric *mt;

		if (!m->lat_sock[k][p].n)
			continue;
		mt = result_addf(r, "ns", METHOD_LIVE, "try.lat.%s.%s.%u.socket", cid, ph_key[p],
				 m->o->rate > 0 ? 0 : m->o->loads[0]);
		if (!mt)
			continue;
		metric_label(mt,
			     "latency of class %s alone, %s the offload, socket engine "
			     "(cross-check)",
			     m->t->wl->cls[k], ph_key[p]);
		metric_set_hist(mt, &m->lat_sock[k][p], 0);
		metric_engine(mt, "socket");
		p50[p] = mt->s.p50;
		/* the XDP engine's figure is the class in the mix: the same load only when the
		 * workload has one class */
		if (m->t->wl->ncls == 1)
			exp_gen_xcheck(r, first[p], mt);
		else
			metric_note(mt, "the class alone (the socket engine matches UDP replies in "
					"order), the XDP engine's figure in the mix: not compared");
	}
	penalty(m, cid, m->t->wl->cls[k], ".socket", "socket", p50, NULL, pen_sock);
}

static void lat_metrics(struct tm *m, struct result *r, json_t *pen, json_t *pen_sock)
{
	const struct workload *w = m->t->wl;
	const char *how = tm_lat_mixed(m) ? "in the mix" : "the class alone";
	unsigned int k, l;
	int p;

	for (k = 0; k < w->ncls; k++) {
		double p50[2] = { NAN, NAN };
		struct metric *first[2] = { NULL, NULL };
		char cid[WL_CLASS_LEN + 8];

		class_id(w, k, cid, sizeof(cid));

		for (l = 0; l < m->o->nloads; l++)
			for (p = 0; p < 2; p++) {
				struct metric *mt =
					result_addf(r, "ns", METHOD_LIVE, "try.lat.%s.%s.%u", cid,
						    ph_key[p], m->o->rate > 0 ? 0 : m->o->loads[l]);

				if (!mt)
					continue;
				if (m->o->rate > 0)
					metric_label(mt,
						     "latency of class %s, %s the offload, "
						     "%.0f req/s (open loop, %s)",
						     w->cls[k], ph_key[p], m->o->rate, how);
				else
					metric_label(mt,
						     "latency of class %s, %s the offload, %u %% "
						     "of the capacity (open loop, %s)",
						     w->cls[k], ph_key[p], m->o->loads[l], how);
				if (!m->cls[k].n) {
					metric_unavailable(mt,
							   "the class's weight is below one "
							   "share in %d of the draw",
							   WL_PICK);
					continue;
				}
				if (!m->lat[k][p][l].n) {
					metric_unavailable(mt, "no reply measured");
					continue;
				}
				metric_set_hist(mt, &m->lat[k][p][l], 0);
				metric_engine(mt, engine(m));
				if (l == 0) {
					p50[p] = mt->s.p50;
					first[p] = mt;
				}
			}
		/* the slow-path penalty: what the offload adds to the class at the lowest load */
		penalty(m, cid, w->cls[k], "", engine(m), p50, &m->pen[k], pen);
		lat_xcheck(m, r, k, cid, first, pen_sock);
	}
}

/* The verdict's words from the gain's CI, the generator bound and the model. */
static void verdict(struct tm *m, const struct metric *g, bool genbound, json_t *v)
{
	const char *word;
	char text[400];

	double least = 1 + TRY_GAIN_MIN / 100.0;

	if (!g || g->unavailable[0] || g->s.n < 2)
		word = "inconclusive here";
	else if (g->s.ci_lo > least)
		word = "pays here"; /* generator-bound: a lower bound of the gain, still a gain */
	else if (g->s.ci_hi < least && !genbound)
		word = "does not pay here";
	else
		word = "inconclusive here";
	snprintf(text, sizeof(text),
		 "%s: throughput %.2fx [%.2f, %.2f] with the offload (a gain counts above "
		 "%.2fx)%s",
		 word, g ? g->s.p50 : NAN, g ? g->s.ci_lo : NAN, g ? g->s.ci_hi : NAN, least,
		 genbound ? "; the generator's ceiling bounds it: a lower bound" : "");
	json_object_set_new(v, "word", json_string(word));
	json_object_set_new(v, "text", json_string(text));
	if (g && g->s.n) {
		json_object_set_new(v, "gain", json_real(g->s.p50));
		json_object_set_new(v, "gain_ci", json_pack("[f, f]", g->s.ci_lo, g->s.ci_hi));
	}
	json_object_set_new(v, "genbound", json_boolean(genbound));
	fprintf(stderr, "offloadlab try: %s\n", text);
	result_note(m->x->r, "verdict: %s", text);
}

/* "pays above X % of requests answered in the kernel; here Y %" */
static void model(struct tm *m, struct result *r, json_t *v)
{
	double c = cost_per_req(m), busy = tm_median(&m->busy[PH_WITHOUT]);
	double kps = tm_median(&m->kps[PH_WITHOUT]), seen = tm_median(&m->seen[PH_WITH]);
	double t = busy / 100.0 * 1e9 / (kps * 1e3), here = 100.0 - seen;
	struct metric *be = result_add(r, "try.breakeven",
				       "the share the offload must answer "
				       "to pay (model: cost over the app's work)",
				       "%", METHOD_MODEL);
	struct metric *sh =
		result_add(r, "try.kernel_share",
			   "requests the server no longer saw with the offload", "%", METHOD_LIVE);
	struct advice a;
	char text[300];

	if (!isnan(seen) && sh)
		metric_set_value(sh, here > 0 ? here : 0);
	else if (sh)
		metric_unavailable(sh, m->o->tcp ? "TCP: the server's socket counters count "
						   "segments, not requests"
						 : "no socket counter read");
	if (isnan(c) || isnan(t) || !(t > 0) || advise_model(0, t, c, &a)) {
		metric_unavailable(be, "the offload's cost or the app's work per request is "
				       "unknown (bpf-stats, dut CPU)");
		return;
	}
	metric_set_value(be, 100.0 * a.breakeven_w);
	metric_note(be,
		    "c = %.0f ns per request (bpf-stats, the programs summed), t = %.0f ns "
		    "(dut CPU per request without the offload)",
		    c, t);
	snprintf(text, sizeof(text),
		 "pays above %.1f %% of requests answered in the kernel; here %s",
		 100.0 * a.breakeven_w, "");
	if (!isnan(seen))
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%.1f %%",
			 here > 0 ? here : 0);
	else
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "unknown (%s)",
			 m->o->tcp ? "TCP" : "no counter");
	json_object_set_new(v, "model", json_string(text));
	json_object_set_new(v, "breakeven_pct", json_real(100.0 * a.breakeven_w));
	fprintf(stderr, "offloadlab try: the model: %s\n", text);
	result_note(r, "the model: %s", text);
}

/* Which engine measured, how it matched the replies, and what it lost. */
static void engine_note(struct tm *m, struct result *r)
{
	if (m->lgx)
		result_note(
			r,
			"load generator: the XDP engine on %s (each request's payload from the "
			"workload written by an XDP program that BPF_PROG_RUN runs in live-frames "
			"mode, 64 frames a batch for throughput and 8 for latency; each request "
			"in flight sent from a port of its own, of %d, and its reply matched by "
			"the port it comes back to, never by its payload); the latency runs send "
			"the workload's mix, each reply timed in its request's class; the socket "
			"engine measured the throughput without the offload and each class alone "
			"at the first load beside it (.socket)",
			lg_xdp_ifname(m->lgx), LG_RAW_PORTS);
	else
		result_note(r,
			    "load generator: the socket engine (one thread, sendmmsg/recvmmsg; the "
			    "replies carry no id offloadlab can read, so they are matched in "
			    "order%s): not the XDP engine: %s; %s",
			    m->o->tcp ? ", one request in flight" : "", m->gen_why,
			    tm_lat_mixed(m) ? "the latency runs send the workload's mix, each "
					      "reply timed in its request's class"
					    : "the latency runs send each class alone at the "
					      "load's rate (UDP replies matched in order would "
					      "mix classes answered at different speeds up)");
	if (m->lgx && m->top_rate > 0)
		result_note(r,
			    "a request's port comes round again after %d requests: a reply slower "
			    "than that (%.1f ms at %.0f req/s, the highest latency load) counts as "
			    "lost, and could be taken for the later request's",
			    LG_RAW_PORTS, LG_RAW_PORTS / m->top_rate * 1e3, m->top_rate);
	if (m->lat_sent && m->lat_lost * 100 > m->lat_sent)
		result_note(
			r,
			"the latency runs: %llu of %llu requests unanswered (lost, or later than "
			"the timeout): their latency is not in the figures%s",
			(unsigned long long)m->lat_lost, (unsigned long long)m->lat_sent,
			m->lgx ? "; a frame the XDP engine built reaches a socket server as a "
				 "page-sized buffer, so its socket holds fewer requests than the "
				 "socket engine's before it drops"
			       : "");
}

void tm_report(struct tm *m)
{
	struct result *r = m->x->r;
	struct metric *t[2], *g, *ceil = NULL;
	json_t *v = json_object(), *pen = json_object(), *progs = json_array();
	json_t *pen_sock = json_object();
	bool genbound = false;
	int p, i;

	for (p = 0; p < 2; p++) {
		t[p] = samples_metric(r, p ? "try.tput.with" : "try.tput.without",
				      p ? "peak throughput with the offload"
					: "peak throughput without the offload",
				      "kreq/s", METHOD_LIVE, &m->kps[p], (size_t)m->reps);
		metric_engine(t[p], engine(m));
		metric_note(t[p], "closed loop, %u request(s) in flight%s, %.1f s a run",
			    tm_window(m, m->lgx != NULL, (enum tm_phase)p),
			    p == PH_WITH && m->lgx && m->win_with == TRY_OUTSTANDING_CEIL
				    ? " (the server saw none of a probe's requests: the ceiling's "
				      "window)"
				    : "",
			    (double)m->dur_ns / 1e9);
		samples_metric(r, p ? "try.busy.with" : "try.busy.without",
			       p ? "dut CPU busy with the offload" : "dut CPU busy without", "%",
			       METHOD_LIVE, &m->busy[p], (size_t)m->reps);
	}
	if (m->ceil.n) {
		ceil = samples_metric(r, "try.ceiling",
				      "the generator's ceiling (the XDP echo on the same path)",
				      "kreq/s", METHOD_LIVE, &m->ceil, 2);
		metric_engine(ceil, engine(m));
		metric_note(ceil, "closed loop, %u request(s) in flight",
			    tm_window(m, m->lgx != NULL, PH_CEIL));
		for (p = 0; p < 2; p++)
			if (t[p] && ceil && t[p]->s.p50 * TRY_GENBOUND >= ceil->s.p50) {
				t[p]->flags |= METRIC_GENBOUND;
				genbound = genbound || p == PH_WITH;
			}
	} else {
		metric_unavailable(result_add(r, "try.ceiling", "the generator's ceiling", "kreq/s",
					      METHOD_LIVE),
				   m->o->tcp ? "TCP: no XDP echo answers a TCP request"
					     : "not measured: the run stopped before");
	}
	if (m->kps_sock.n) {
		struct metric *s =
			samples_metric(r, "try.tput.without.socket",
				       "peak throughput without the offload, socket "
				       "engine (cross-check)",
				       "kreq/s", METHOD_LIVE, &m->kps_sock, (size_t)m->reps);

		metric_engine(s, "socket");
		metric_note(
			s,
			"the closed loop from the socket engine (%u in flight), right after the "
			"XDP engine's run in each repetition",
			tm_window(m, false, PH_WITHOUT));
		exp_gen_xcheck(r, t[PH_WITHOUT], s);
	}
	g = gain_metric(m);
	for (i = 0; i < m->nprogs; i++) {
		struct metric *c = samples_metric(r, "", "", "ns", METHOD_BPFSTATS, &m->cost[i],
						  (size_t)m->reps);

		if (c) {
			char hook[16], name[20];

			id_part(m->progs[i].hook, hook, sizeof(hook));
			id_part(m->progs[i].name, name, sizeof(name));
			snprintf(c->id, sizeof(c->id), "try.cost.%s.%s", hook, name);
			metric_label(c, "%s on %s, per request sent (run time %.0f ns a run)",
				     m->progs[i].name, m->progs[i].hook,
				     tm_median(&m->cost_run[i]));
		}
		json_array_append_new(progs,
				      json_pack("{s:s, s:s, s:s, s:I}", "name", m->progs[i].name,
						"tag", m->progs[i].tag, "hook", m->progs[i].hook,
						"id", (json_int_t)m->progs[i].id));
	}
	lat_metrics(m, r, pen, pen_sock);
	verdict(m, g, genbound, v);
	model(m, r, v);
	json_object_set_new(v, "penalty_pct", pen);
	if (json_object_size(pen_sock))
		json_object_set_new(v, "penalty_socket_pct", pen_sock);
	else
		json_decref(pen_sock);
	json_object_set_new(m->t->section, "programs", progs);
	json_object_set_new(m->t->section, "verdict", v);
	json_object_set_new(m->t->section, "engine", json_string(engine(m)));
	engine_note(m, r);
}
