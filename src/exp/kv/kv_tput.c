// SPDX-License-Identifier: GPL-2.0
/*
 * kv: GET throughput (paper Fig. 4) in interleaved repetitions of the three servers, each
 * placement; the gain with its CI, the generator's headroom (its ceiling against the XDP_TX
 * responder, measured in the same repetitions), what the dut could carry at its full CPU, and
 * the socket engine beside the XDP one on memcached alone (the cross-check).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp/gen.h"
#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "lib/cpu.h"
#include "lib/log.h"

static const char *const pl_suffix[PL_MAX] = { "", ".shared" };
static const char *const pl_label[PL_MAX] = { "paper placement", "shared placement" };

/* Where each piece ran during the last measurement, for the results. */
static void note_where(struct ctx *c)
{
	int w, napi;

	kv_dut_where(c, &napi, &w);
	if (c->pl == PL_PAPER)
		snprintf(c->where[c->pl], sizeof(c->where[0]),
			 "dut NAPI thread %d on cpu %d, memcached worker %d on cpu %d, generator "
			 "pinned to cpu %d with its veth's NAPI thread %d on cpu %d",
			 c->dut_napi, napi, c->mc_worker, w, c->tb->gen_cpu, c->gen_napi,
			 c->gen_napi > 0 ? cpu_of_task(c->gen_napi) : -1);
	else
		snprintf(c->where[c->pl], sizeof(c->where[0]),
			 "both veths' NAPI in softirq on the sending CPU, memcached worker %d on "
			 "cpu %d, generator pinned to cpu %d",
			 c->mc_worker, w, c->tb->gen_cpu);
}

/* ---- throughput: interleaved repetitions of the three servers ---- */

void kv_tput_init(struct kv_tput *t, bool free_it)
{
	int sv;

	for (sv = 0; sv < SV_MAX; sv++) {
		if (free_it) {
			stats_samples_free(&t->kps[sv]);
			stats_samples_free(&t->busy[sv]);
		}
		stats_samples_init(&t->kps[sv]);
		stats_samples_init(&t->busy[sv]);
	}
	if (free_it)
		stats_samples_free(&t->kps_socket);
	stats_samples_init(&t->kps_socket);
}

int kv_tput_placement(struct ctx *c, struct result *r, struct kv_tput *tp, char *why, size_t whylen)
{
	int rep, j, err = 0;

	for (rep = 0; rep < c->reps && !err; rep++) {
		for (j = 0; j < SV_MAX && !err; j++) {
			enum server sv = (enum server)((rep + j) % SV_MAX); /* rotate the order */
			struct progstat p0 = { 0 }, p1 = { 0 };
			double kps = 0;

			log_debug("kv: %s, rep %d, %s", pl_label[c->pl], rep, kv_sv_info[sv].key);
			err = kv_sv_up(c, sv, why, whylen);
			if (err)
				break;
			if (sv == SV_CEIL)
				kv_cache_progstat(c, &p0);
			err = kv_closed_run(c, "kvA", SMALL_KEYS, 0, &kps, NULL, NULL);
			if (sv == SV_CEIL)
				kv_cache_progstat(c, &p1);
			if (!err && sv == SV_CEIL && rep == 0 && c->pl == PL_PAPER)
				kv_cost_live(r, "kv.cost.ceiling.live",
					     "XDP_TX responder per GET (the control)", p0.xt, p0.xc,
					     p1.xt, p1.xc, "the responder's throughput run");
			if (!err) {
				stats_samples_add(&tp->kps[sv], kps);
				stats_samples_add(&tp->busy[sv], c->dut_busy);
			}
			/* the cross-check: the socket engine on memcached alone, which it carries */
			if (!err && sv == SV_ALONE && c->pl == PL_PAPER && c->lgx) {
				err = kv_closed_run_with(c, LG_ENGINE_SOCKET, "kvA", SMALL_KEYS, 0,
							 &kps, NULL, NULL);
				if (!err)
					stats_samples_add(&tp->kps_socket, kps);
			}
			if (!err && sv == SV_CACHE && rep == 0 && c->pl == PL_PAPER)
				err = kv_costs_live(c, r);
			if (!err && rep == 0)
				note_where(c);
			kv_sv_down(c);
		}
	}
	return err;
}

static void samples_copy(struct stats_samples *to, const struct stats_samples *from)
{
	size_t i;

	stats_samples_init(to);
	for (i = 0; i < from->n; i++)
		stats_samples_add(to, from->v[i]);
}

struct metric *kv_gen_ceiling(struct ctx *c, struct result *r, const char *id)
{
	struct metric *m =
		result_add(r, id, "the generator's ceiling (the XDP_TX responder's best)", "kreq/s",
			   METHOD_LIVE);
	struct stats_summary best = { 0 }, s;
	struct stats_samples cp;
	int pl, at = -1;

	for (pl = 0; pl < PL_MAX; pl++) {
		if (!c->ceil_kps[pl].n)
			continue;
		samples_copy(&cp, &c->ceil_kps[pl]);
		stats_samples_summary(&cp, &s);
		stats_samples_free(&cp);
		if (at < 0 || s.p50 > best.p50) {
			best = s;
			at = pl;
		}
	}
	if (at < 0) {
		metric_unavailable(m, "the XDP_TX responder did not run");
		return m;
	}
	samples_copy(&cp, &c->ceil_kps[at]);
	metric_set_samples(m, &cp, cp.n);
	stats_samples_free(&cp);
	metric_engine(m, lg_engine_name(c->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
	metric_note(
		m,
		"the XDP_TX responder's throughput in the %s, the best of this run's placements: "
		"a lower bound of what the generator carries (that path's own limit is in it)",
		pl_label[at]);
	return m;
}

/* Per-repetition ratios a[i] / b[i] (the interleaved pairs) as one metric's samples. */
struct metric *kv_ratio_metric(struct result *r, const char *id, const char *label,
			       const struct stats_samples *a, const struct stats_samples *b)
{
	struct metric *m = result_add(r, id, label, "x", METHOD_MODEL);
	struct stats_samples s;
	size_t i;

	stats_samples_init(&s);
	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			stats_samples_add(&s, a->v[i] / b->v[i]);
	metric_set_samples(m, &s, a->n);
	stats_samples_free(&s);
	return m;
}

/*
 * What the dut could carry if the generator kept up: each run's throughput over the share
 * of the dut CPU it used (linear in load; conservative, since batching grows with load).
 * Paper placement only: there, all the server's work runs on the dut CPU.
 */
static void capacity_report(struct ctx *c, struct result *r, struct kv_tput *t)
{
	struct stats_samples cap[2], ratio;
	static const enum server svs[2] = { SV_ALONE, SV_CACHE };
	struct metric *m;
	size_t i;
	int k;

	stats_samples_init(&ratio);
	for (k = 0; k < 2; k++) {
		stats_samples_init(&cap[k]);
		for (i = 0; i < t->kps[svs[k]].n && i < t->busy[svs[k]].n; i++)
			if (t->busy[svs[k]].v[i] > 0)
				stats_samples_add(&cap[k],
						  t->kps[svs[k]].v[i] * 100 / t->busy[svs[k]].v[i]);
	}
	/* the ratio from the per-repetition pairs, before a summary sorts them */
	for (i = 0; i < cap[0].n && i < cap[1].n; i++)
		if (cap[0].v[i] > 0)
			stats_samples_add(&ratio, cap[1].v[i] / cap[0].v[i]);
	for (k = 0; k < 2; k++) {
		m = result_addf(r, "kreq/s", METHOD_MODEL, "kv.capacity.%s",
				kv_sv_info[svs[k]].key);
		metric_label(m, "dut capacity at full CPU, %s", kv_sv_info[svs[k]].label);
		metric_set_samples(m, &cap[k], (size_t)c->reps);
		metric_note(
			m, "throughput / the dut CPU's busy share in the same run, per repetition");
	}
	m = result_add(r, "kv.capacity.ratio", "throughput gain at the dut's full CPU (model)", "x",
		       METHOD_MODEL);
	metric_set_samples(m, &ratio, (size_t)c->reps);
	metric_set_paper(m, KV_PAPER_TPUT_RATIO, "Fig. 4");
	metric_note(m, "capacity with the cache / without: what the gain would be if the generator "
		       "were not the limit, assuming the dut's work per request stays the same");
	stats_samples_free(&cap[0]);
	stats_samples_free(&cap[1]);
	stats_samples_free(&ratio);
}

/*
 * The placement's metrics. Ratios pair the repetitions, so they are taken from a copy: a
 * metric's summary sorts the samples it is given.
 */
void kv_tput_report(struct ctx *c, struct result *r, struct kv_tput *orig)
{
	struct kv_tput copy, *t = &copy;
	struct stats_samples *tp = t->kps;
	const char *sfx = pl_suffix[c->pl];
	struct metric *m, *mt[SV_MAX], *mb[SV_MAX];
	char id[64], label[96];
	double ceil;
	int sv;

	for (sv = 0; sv < SV_MAX; sv++) {
		samples_copy(&t->kps[sv], &orig->kps[sv]);
		samples_copy(&t->busy[sv], &orig->busy[sv]);
	}
	samples_copy(&t->kps_socket, &orig->kps_socket);
	snprintf(id, sizeof(id), "kv.tput.ratio%s", sfx);
	snprintf(label, sizeof(label), "throughput gain with kvcache, %s", pl_label[c->pl]);
	m = kv_ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_ALONE]);
	if (c->pl == PL_PAPER)
		metric_set_paper(m, KV_PAPER_TPUT_RATIO, "Fig. 4");
	metric_note(m, "with / without in each of %zu interleaved repetitions, median and CI",
		    tp[SV_CACHE].n);
	snprintf(id, sizeof(id), "kv.tput.vs_ceiling%s", sfx);
	snprintf(label, sizeof(label), "kvcache hits against an XDP_TX responder, %s",
		 pl_label[c->pl]);
	m = kv_ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_CEIL]);
	metric_note(m,
		    "the cache's throughput as a share of the cheapest responder's, same request "
		    "and reply sizes, on the same path");
	for (sv = 0; sv < SV_MAX; sv++) {
		mt[sv] = result_addf(r, "kreq/s", METHOD_LIVE, "kv.tput.%s%s", kv_sv_info[sv].key,
				     sfx);
		metric_label(mt[sv], "GET throughput, %s, %s", kv_sv_info[sv].label,
			     pl_label[c->pl]);
		metric_set_samples(mt[sv], &tp[sv], (size_t)c->reps);
		metric_engine(mt[sv], lg_engine_name(c->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
		/* the paper's one server core: its placement only */
		if (c->pl == PL_PAPER && sv != SV_CEIL)
			metric_set_paper(mt[sv], sv == SV_ALONE ? 126.5 : 318, "Fig. 4");
	}
	/*
	 * Which side ran out of CPU: the other sign of who limits the throughput. Only the
	 * dut's is telling: the generator spins (either engine), so its CPU is always busy.
	 */
	for (sv = 0; sv < SV_MAX; sv++) {
		mb[sv] = result_addf(r, "%", METHOD_LIVE, "kv.busy.dut.%s%s", kv_sv_info[sv].key,
				     sfx);
		metric_label(mb[sv], "dut CPU busy, %s, %s", kv_sv_info[sv].key, pl_label[c->pl]);
		metric_set_samples(mb[sv], &t->busy[sv], (size_t)c->reps);
		metric_note(mb[sv],
			    "/proc/stat: the dut CPU's time not idle over the throughput run");
	}
	/* generator headroom: a server near the ceiling may be measuring the generator */
	samples_copy(&c->ceil_kps[c->pl], &orig->kps[SV_CEIL]);
	snprintf(id, sizeof(id), "kv.gen.ceiling%s", sfx);
	ceil = kv_gen_ceiling(c, r, id)->s.p50;
	for (sv = 0; sv < SV_CEIL; sv++) {
		if (!(ceil > 0) || mt[sv]->s.p50 * GENBOUND < ceil)
			continue;
		mt[sv]->flags |= METRIC_GENBOUND;
		metric_note(
			mt[sv],
			"%.0f kreq/s is within %.1fx of the generator's ceiling (%.0f kreq/s, "
			"its best against the XDP_TX responder in this run): it may measure the "
			"generator (dut CPU %.0f %% busy meanwhile)",
			mt[sv]->s.p50, GENBOUND, ceil, mb[sv]->s.p50);
	}
	if (c->pl == PL_PAPER)
		capacity_report(c, r, orig);
	if (t->kps_socket.n) {
		m = result_add(r, "kv.tput.nocache.socket",
			       "GET throughput, memcached alone, socket engine (cross-check)",
			       "kreq/s", METHOD_LIVE);
		metric_set_samples(m, &t->kps_socket, (size_t)c->reps);
		metric_engine(m, "socket");
		metric_note(m, "the same closed loop from the socket engine, right after the XDP "
			       "engine's run in each repetition");
		exp_gen_xcheck(r, mt[SV_ALONE], m);
	}
	snprintf(id, sizeof(id), "kv.tput.ratio%s", sfx);
	m = result_find(r, id);
	if (mt[SV_CACHE]->flags & METRIC_GENBOUND) {
		/* what was measured is still a lower bound on the gain */
		struct metric *lb;

		snprintf(id, sizeof(id), "kv.tput.ratio.atleast%s", sfx);
		snprintf(label, sizeof(label), "throughput gain, at least (generator-bound), %s",
			 pl_label[c->pl]);
		lb = kv_ratio_metric(r, id, label, &orig->kps[SV_CACHE], &orig->kps[SV_ALONE]);
		lb->flags |= METRIC_GENBOUND;
		metric_note(lb,
			    "with / without per interleaved repetition while the generator limited "
			    "the cache: the gain is at least this");
	}
	if (mt[SV_CACHE]->flags & METRIC_GENBOUND)
		metric_unavailable(
			m,
			"generator-bound: with the cache %.0f kreq/s is within %.1fx of "
			"the generator's ceiling (%.0f kreq/s), so the gain is at least "
			"%.2fx and could be more; no ratio is claimed",
			mt[SV_CACHE]->s.p50, GENBOUND, ceil,
			mt[SV_ALONE]->s.p50 > 0 ? mt[SV_CACHE]->s.p50 / mt[SV_ALONE]->s.p50 : 0);
	else if (mt[SV_ALONE]->flags & METRIC_GENBOUND)
		metric_unavailable(m,
				   "generator-bound: memcached alone is within %.1fx of the "
				   "generator's ceiling",
				   GENBOUND);
	result_note(r, "%s: %s", pl_label[c->pl], c->where[c->pl]);
	kv_tput_init(t, true);
}
