// SPDX-License-Identifier: GPL-2.0
/*
 * kv: the slow path (paper Fig. 5, 6). A cacheable and an uncacheable flow at once, at the
 * paper's share of memcached's capacity, in interleaved repetitions: memcached alone, with
 * the kvcache, and with the kvcache and the cure tried (an idle-class spinner on the server's
 * CPU). Beside the latencies: how often memcached sleeps per request it answers and how long
 * its wake-ups and the dut NAPI thread's take (sched tracepoints), and where the extra time
 * goes, from the run's own figures.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp/kv/kv_int.h"
#include "lib/cpu.h"

/* without the cache, with it, with it and the cure */
enum lcfg { LC_ALONE, LC_CACHE, LC_CURED, LC_MAX };
static const char *const lc_key[LC_MAX] = { "nocache", "cache", "cache_spin" };
static const char *const lc_label[LC_MAX] = { "memcached alone", "with kvcache",
					      "with kvcache and an idle-class spinner" };

struct slow_obs {
	struct stats_samples wake_mc, wake_napi;
	uint64_t wakes_mc, idle_mc, wakes_napi, idle_napi;
	double vol_per_req; /* memcached's voluntary switches per request it answered */
	double spin_cpu;    /* the spinner's share of the dut CPU, % */
	uint64_t sent, hits;
	double miss_p50; /* the uncacheable flow's median, ns */
};

/*
 * The two flows at once, from one generator thread (two busy threads on one CPU would take
 * turns in scheduler slices): every 11th request of a 55 K req/s Poisson stream asks for a
 * large value, so 50 K/s are cacheable and 5 K/s are not. m[0]: cacheable, m[1]: the rest.
 */
static int two_flows(struct ctx *c, struct stats_hist pool[2], bool spin, struct slow_obs *ob)
{
	struct flow_run f = { .c = c };
	uint64_t h0[KVC_NCOUNTERS], h1[KVC_NCOUNTERS];
	struct kv_obs o;
	size_t j;
	int err;

	kv_lg_base(c, &f.lo, &f.mc, &f.app, "kvA", SMALL_KEYS, SMALL_VALUE);
	kv_mix_large(&f, 11, 0);
	f.lo.mode = LG_POISSON;
	f.lo.rate = c->flow_rate;
	err = kv_obs_begin(c, spin);
	if (err)
		return err;
	kv_obs_init(&o);
	kv_cache_counters(c, h0);
	kv_flow_go(&f);
	kv_cache_counters(c, h1);
	kv_obs_end(c, &o);
	err = f.err ? f.err : c->side_err;
	if (!err && f.res.lat && f.res.lat_alt) {
		uint64_t served = f.res.received - (h1[KVC_HIT] - h0[KVC_HIT]);

		stats_hist_merge(&pool[0], f.res.lat);
		stats_hist_merge(&pool[1], f.res.lat_alt);
		ob->miss_p50 = stats_hist_quantile(f.res.lat_alt, 0.5);
		for (j = 0; j < o.wake[0].n; j++)
			stats_samples_add(&ob->wake_mc, o.wake[0].v[j]);
		for (j = 0; j < o.wake[1].n; j++)
			stats_samples_add(&ob->wake_napi, o.wake[1].v[j]);
		ob->wakes_mc = o.wakes[0];
		ob->idle_mc = o.idle[0];
		ob->wakes_napi = o.wakes[1];
		ob->idle_napi = o.idle[1];
		ob->vol_per_req = served ? (double)o.vol / (double)served : 0;
		ob->spin_cpu = spin ? (double)o.spin_ns / (double)c->dur_ns * 100 : 0;
		ob->sent += f.res.sent;
		ob->hits += h1[KVC_HIT] - h0[KVC_HIT];
	}
	kv_obs_free(&o);
	lg_result_free(&f.res);
	return err;
}

static void slow_obs_free(struct slow_obs *o)
{
	stats_samples_free(&o->wake_mc);
	stats_samples_free(&o->wake_napi);
}

/* A metric from samples, or unavailable with why when there are none. */
static struct metric *samples_metric(struct result *r, const char *id, const char *label,
				     const char *unit, enum method how, struct stats_samples *s,
				     size_t wanted, const char *why)
{
	struct metric *m = result_add(r, id, label, unit, how);

	if (s->n)
		metric_set_samples(m, s, wanted);
	else
		metric_unavailable(m, "%s", why);
	return m;
}

static double med_of(struct result *r, const char *id)
{
	struct metric *m = result_find(r, id);

	return m && !m->unavailable[0] ? m->s.p50 : NAN;
}

/*
 * Where the slow path's extra time goes, from this run's own figures: the cache's programs on
 * a miss (the XDP miss path, TC egress on each reply packet: a 4 KB reply is three) and the
 * extra wake-ups memcached pays (sleeps per request times the wake-up latency).
 */
static void slow_explain(struct result *r)
{
	double dn = med_of(r, "kv.lat.miss.nocache"), dc = med_of(r, "kv.lat.miss.cache"),
	       miss = med_of(r, "kv.cost.miss.live"),
	       frag = med_of(r, "kv.cost.reply_frag.testrun"),
	       sn = med_of(r, "kv.switches.nocache"), sc = med_of(r, "kv.switches.cache"),
	       wn = med_of(r, "kv.wake.memcached.nocache"),
	       wc = med_of(r, "kv.wake.memcached.cache");
	double prog = miss + frag, wake = sc * wc - sn * wn;

	if (!isfinite(dn) || !isfinite(dc))
		return;
	result_note(r,
		    "slow path, where the time goes (model from this run's medians): the "
		    "uncacheable flow took %+.1f us with the cache; the cache's programs on such a "
		    "miss cost %.1f us (XDP %.1f us by bpf-stats, TC egress on the reply's first "
		    "fragment %.2f us by test-run, the other fragments it passes at once); "
		    "memcached slept %.2f times per request without the cache and %.2f with it, at "
		    "%.1f and %.1f us per wake-up: %+.1f us; the rest is queueing and noise",
		    (dc - dn) / 1e3, prog / 1e3, miss / 1e3, frag / 1e3, sn, sc, wn / 1e3, wc / 1e3,
		    wake / 1e3);
}

/* One thread's wake-up latencies in one configuration, with how many landed on an idle CPU. */
static void wake_metric(struct ctx *c, struct result *r, const char *key, const char *who, int lc,
			struct stats_samples *lat, uint64_t wakes, uint64_t idle)
{
	char id[64], label[96];
	struct metric *m;

	snprintf(id, sizeof(id), "kv.wake.%s.%s", key, lc_key[lc]);
	snprintf(label, sizeof(label), "%s wake-up latency, %s", who, lc_label[lc]);
	m = samples_metric(r, id, label, "ns", METHOD_LIVE, lat, 0,
			   kv_dut_traced(c) ? "no wake-up seen"
					    : "sched tracepoints (tp_btf) refused here");
	if (wakes)
		metric_note(m,
			    "sched_waking to sched_switch: %llu wake-ups, %.0f %% onto an idle CPU",
			    (unsigned long long)wakes, 100.0 * (double)idle / (double)wakes);
}

static void slow_report(struct ctx *c, struct result *r, struct stats_samples pen[2],
			struct stats_samples vol[LC_MAX], struct stats_samples *spin,
			struct slow_obs ob[LC_MAX])
{
	struct metric *m;
	char id[64], label[96];
	int lc;

	m = samples_metric(r, "kv.slowpath_penalty",
			   "latency the cache adds to requests it cannot serve", "%", METHOD_MODEL,
			   &pen[0], (size_t)c->reps, "no repetition completed");
	metric_set_paper(m, KV_PAPER_SLOWPATH_PCT, "Fig. 6");
	metric_note(
		m,
		"median of the uncacheable flow with the cache against without, per interleaved "
		"repetition (%zu)",
		pen[0].n);
	m = samples_metric(r, "kv.slowpath_penalty.cured",
			   "the same with an idle-class spinner on the server CPU (the cure)", "%",
			   METHOD_MODEL, &pen[1], (size_t)c->reps, "no repetition completed");
	metric_note(
		m, "memcached unchanged; a SCHED_IDLE process spins on the dut CPU, so the CPU "
		   "never idles (kv.wake.*.cache_spin: no wake-up onto an idle CPU); it helps only "
		   "where waking an idle vCPU is what costs");
	m = samples_metric(r, "kv.cure.cpu", "what the cure costs: spinner's share of the dut CPU",
			   "%", METHOD_LIVE, spin, (size_t)c->reps, "no repetition completed");
	metric_note(
		m, "the spinner's CPU time over the run: the time the CPU would otherwise idle (it "
		   "yields at once to any other task, so it takes none from memcached or NAPI)");
	for (lc = 0; lc < LC_MAX; lc++) {
		snprintf(id, sizeof(id), "kv.switches.%s", lc_key[lc]);
		snprintf(label, sizeof(label), "memcached's sleeps per request it answered, %s",
			 lc_label[lc]);
		m = samples_metric(r, id, label, "/req", METHOD_LIVE, &vol[lc], (size_t)c->reps,
				   "no repetition completed");
		metric_note(
			m,
			"voluntary context switches of its threads (/proc) over the requests that "
			"reached it (sent less the cache's hits)");
		wake_metric(c, r, "memcached", "memcached worker's", lc, &ob[lc].wake_mc,
			    ob[lc].wakes_mc, ob[lc].idle_mc);
		wake_metric(c, r, "napi", "dut NAPI thread's", lc, &ob[lc].wake_napi,
			    ob[lc].wakes_napi, ob[lc].idle_napi);
	}
	slow_explain(r);
}

/* Interleaved repetitions of the two flows: alone, with the cache, with the cache and cure. */
int kv_slow_path(struct ctx *c, struct result *r, char *why, size_t whylen)
{
	struct metric *lat[LC_MAX][2];
	struct stats_hist *pool = calloc(LC_MAX * 2, sizeof(*pool));
	struct stats_samples pen[2], vol[LC_MAX], spin;
	struct slow_obs ob[LC_MAX];
	int rep, lc, err = 0;

	if (!pool)
		return -ENOMEM;
	memset(ob, 0, sizeof(ob));
	stats_samples_init(&pen[0]);
	stats_samples_init(&pen[1]);
	stats_samples_init(&spin);
	for (lc = 0; lc < LC_MAX; lc++) {
		stats_samples_init(&vol[lc]);
		stats_samples_init(&ob[lc].wake_mc);
		stats_samples_init(&ob[lc].wake_napi);
		lat[lc][0] = result_addf(r, "ns", METHOD_LIVE, "kv.lat.hit.%s", lc_key[lc]);
		metric_label(lat[lc][0], "cacheable flow (32 B, %.1f K/s), %s",
			     c->flow_rate * 10 / 11 / 1e3, lc_label[lc]);
		lat[lc][1] = result_addf(r, "ns", METHOD_LIVE, "kv.lat.miss.%s", lc_key[lc]);
		metric_label(lat[lc][1], "uncacheable flow (4 KB, %.1f K/s), %s",
			     c->flow_rate / 11 / 1e3, lc_label[lc]);
	}
	for (rep = 0; rep < c->reps && !err; rep++) {
		double med[LC_MAX] = { 0 };

		for (lc = 0; lc < LC_MAX && !err; lc++) {
			struct slow_obs one = { 0 };

			if (lc != LC_CURED)
				err = kv_sv_up(c, lc == LC_ALONE ? SV_ALONE : SV_CACHE, why,
					       whylen);
			if (!err)
				err = two_flows(c, &pool[lc * 2], lc == LC_CURED, &one);
			if (!err) {
				med[lc] = one.miss_p50;
				stats_samples_add(&vol[lc], one.vol_per_req);
				if (lc == LC_CURED)
					stats_samples_add(&spin, one.spin_cpu);
				/* the wake-ups of every repetition, pooled */
				for (size_t i = 0; i < one.wake_mc.n; i++)
					stats_samples_add(&ob[lc].wake_mc, one.wake_mc.v[i]);
				for (size_t i = 0; i < one.wake_napi.n; i++)
					stats_samples_add(&ob[lc].wake_napi, one.wake_napi.v[i]);
				ob[lc].wakes_mc += one.wakes_mc;
				ob[lc].idle_mc += one.idle_mc;
				ob[lc].wakes_napi += one.wakes_napi;
				ob[lc].idle_napi += one.idle_napi;
				ob[lc].sent += one.sent;
				ob[lc].hits += one.hits;
			}
			slow_obs_free(&one);
			if (lc != LC_CACHE)
				kv_sv_down(c);
		}
		if (!err && med[LC_ALONE] > 0) {
			stats_samples_add(&pen[0], (med[LC_CACHE] / med[LC_ALONE] - 1) * 100);
			stats_samples_add(&pen[1], (med[LC_CURED] / med[LC_ALONE] - 1) * 100);
		}
	}
	kv_sv_down(c);
	for (lc = 0; lc < LC_MAX && !err; lc++) {
		metric_set_hist(lat[lc][0], &pool[lc * 2], 1000);
		metric_set_hist(lat[lc][1], &pool[lc * 2 + 1], 100);
	}
	/* the paper's slow-path medians (Fig. 6), at 55 K req/s on its testbed */
	metric_set_paper(lat[LC_ALONE][1], 40600, "Fig. 6");
	metric_set_paper(lat[LC_CACHE][1], 61500, "Fig. 6");
	if (!err)
		slow_report(c, r, pen, vol, &spin, ob);
	free(pool);
	for (lc = 0; lc < LC_MAX; lc++) {
		stats_samples_free(&vol[lc]);
		slow_obs_free(&ob[lc]);
	}
	stats_samples_free(&pen[0]);
	stats_samples_free(&pen[1]);
	stats_samples_free(&spin);
	return err;
}

/*
 * The two flows' rate: the paper's 55 K req/s where memcached alone carries it with the
 * paper's headroom, else the paper's share of what memcached alone carried here.
 */
void kv_flow_rate(struct ctx *c, struct result *r, struct stats_samples *alone)
{
	struct stats_summary s;
	double cap;

	stats_samples_summary(alone, &s);
	cap = s.p50 * 1e3;
	c->flow_rate = PAPER_FLOW_RATE;
	if (cap > 0 && cap * PAPER_FLOW_SHARE < PAPER_FLOW_RATE)
		c->flow_rate = cap * PAPER_FLOW_SHARE;
	result_note(
		r,
		"two flows: %.1f K req/s Poisson, every 11th for a 4 KB value (the paper's 55 K "
		"was %.0f %% of its memcached's 126.5 K; memcached alone carried %.1f K here, "
		"paper placement)",
		c->flow_rate / 1e3, PAPER_FLOW_SHARE * 100, cap / 1e3);
}
