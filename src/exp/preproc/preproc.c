// SPDX-License-Identifier: GPL-2.0
/*
 * preproc (paper Fig. 10): how much does truncating datagrams in XDP, before the stack, raise
 * the throughput of a user-space sink? The generator is the load generator's XDP engine:
 * each datagram built by an XDP program that BPF_PROG_RUN runs in live-frames mode
 * (BPF_F_TEST_XDP_LIVE_FRAMES) out of the generator's veth, with no socket on that side.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp/gen.h"
#include "exp/preproc/preproc.h"
#include "exp/preproc/preproc_exp.h"
#include "exp/side.h"
#include "lib/bpfutil.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "testbed/testbed.h"

/*
 * Datagrams of the paper's size to the sink for dur_ns, as fast as the load generator goes
 * (its XDP engine where it runs: frames built in XDP by BPF_PROG_RUN in live-frames mode, no
 * socket on the sending side); the frames it got out into *sent.
 */
static int blast(const struct tb *tb, struct lg_xdp *x, uint64_t dur_ns, uint64_t *sent)
{
	struct lg_app app = lg_sink_app;
	struct sockaddr_in *dst, *src;
	struct lg_result lr;
	struct lg_opts lo;
	int err;

	app.size = PREPROC_PAYLOAD;
	lg_opts_default(&lo);
	dst = (struct sockaddr_in *)&lo.dst;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(PP_PORT);
	dst->sin_addr.s_addr = tb->dut.addr;
	lo.dstlen = sizeof(*dst);
	src = (struct sockaddr_in *)&lo.src;
	src->sin_family = AF_INET;
	src->sin_port = htons(PP_PORT + 1);
	src->sin_addr.s_addr = tb->gen.addr;
	lo.srclen = sizeof(*src);
	lo.app = &app;
	exp_gen_use(&lo, x);
	lo.mode = LG_FLOOD;
	lo.duration_ns = dur_ns;
	lo.batch = x ? 64 : 32;
	lo.cpu = tb->gen_cpu;
	*sent = 0;
	err = tb_enter(tb, TB_GEN);
	if (err)
		return err;
	err = lg_run(&lo, &lr);
	tb_leave(tb);
	/* offered: what it built, the frames a full ring refused among them */
	if (!err)
		*sent = x ? lr.x.built : lr.sent;
	lg_result_free(&lr);
	return err;
}

/* One preproc run: the server's side (here or the agent's), the frame, the samples per cut. */
struct pp {
	struct exp_ctx *x;
	struct tb *tb;
	const unsigned int *pcts;
	int npct, reps;
	uint64_t dur;
	int napi;	    /* the side's NAPI thread on the dut CPU, or <= 0 */
	struct lg_xdp *lgx; /* the XDP load generator, or NULL: the socket engine */
	char gen_why[200];
	struct stats_samples kpps[7], gain[7], offered;
};

/* One request to the server side; its answer into *ans (or dropped with ans NULL). */
static int pp_call(struct pp *p, json_t *req, json_t **ans)
{
	char why[200];
	json_t *a = side_call(p->x, req, why, sizeof(why));

	if (!a)
		return log_errno(-EIO, "%s: %s", side_host(p->x), why);
	if (ans)
		*ans = a;
	else
		json_decref(a);
	return 0;
}

static int pp_up(struct pp *p)
{
	struct jb b = { .what = "pp_up" };
	json_t *a = NULL;
	int err = pp_call(p, json_pack("{s:s}", "op", "pp_up"), &a);

	if (err)
		return err;
	p->napi = (int)jb_key_int(&b, a, "napi", -4095, JB_TID_MAX);
	json_decref(a);
	return b.err ? log_errno(-EPROTO, "%s: %s", side_host(p->x), b.why) : 0;
}

static void pp_down(struct pp *p)
{
	int k;

	if (p->x->side_up)
		pp_call(p, json_pack("{s:s}", "op", "pp_down"), NULL);
	for (k = 0; k < 7; k++) {
		stats_samples_free(&p->kpps[k]);
		stats_samples_free(&p->gain[k]);
	}
	stats_samples_free(&p->offered);
}

static int pp_cut(struct pp *p, unsigned int pct)
{
	return pp_call(p, json_pack("{s:s, s:i}", "op", "pp_cut", "pct", (int)pct), NULL);
}

/* Datagrams the sink took so far, and when, on the sink's own host's clock. */
static int pp_pkts(struct pp *p, uint64_t *pkts, uint64_t *ns)
{
	struct jb b = { .what = "pp_pkts" };
	json_t *a = NULL;
	int err;

	err = pp_call(p, json_pack("{s:s}", "op", "pp_pkts"), &a);
	if (err)
		return err;
	*pkts = jb_key_count(&b, a, "pkts");
	*ns = jb_key_count(&b, a, "ns");
	json_decref(a);
	return b.err ? log_errno(-EPROTO, "%s: %s", side_host(p->x), b.why) : 0;
}

/* Rounds of every cut: what the sink took, what was offered, the gain against no cut. */
static int pp_sweep(struct pp *p)
{
	int i, k, err;

	for (i = 0; i < p->reps; i++) {
		double base = 0;

		for (k = 0; k < p->npct; k++) {
			uint64_t sent = 0, p0 = 0, p1 = 0, t0, t1, s0 = 0, s1 = 0;

			err = pp_cut(p, p->pcts[k]);
			if (!err)
				err = pp_pkts(p, &p0, &s0);
			t0 = bpfu_now_ns();
			if (!err)
				err = blast(p->tb, p->lgx, p->dur, &sent);
			t1 = bpfu_now_ns();
			if (!err)
				err = pp_pkts(p, &p1, &s1);
			if (!err && (p1 < p0 || s1 <= s0))
				err = log_errno(-EPROTO, "the sink's count or clock went back");
			if (err)
				return log_errno(err, "send the sink's datagrams and count them");
			stats_samples_add(&p->kpps[k],
					  (double)(p1 - p0) / ((double)(s1 - s0) / 1e6));
			stats_samples_add(&p->offered, (double)sent / ((double)(t1 - t0) / 1e6));
			if (k == 0)
				base = (double)(p1 - p0);
			else if (base > 0)
				stats_samples_add(&p->gain[k],
						  ((double)(p1 - p0) / base - 1.0) * 100.0);
		}
	}
	return 0;
}

static void pp_report(struct pp *p, struct result *r)
{
	struct metric *m, *mo, *m0;
	double best = -1e9;
	int k, best_k = 0;

	for (k = 0; k < p->npct; k++) {
		m = result_addf(r, "kpps", METHOD_LIVE, "preproc.kpps.%u", p->pcts[k]);
		metric_label(m, "sink throughput, payload cut by %u %%", p->pcts[k]);
		if (m)
			metric_set_samples(m, &p->kpps[k], (size_t)p->reps);
		if (k == 0)
			continue;
		m = result_addf(r, "%", METHOD_LIVE, "preproc.gain.%u", p->pcts[k]);
		metric_label(m, "gain from cutting %u %%", p->pcts[k]);
		if (m) {
			metric_set_samples(m, &p->gain[k], (size_t)p->reps);
			if (m->s.p50 > best) {
				best = m->s.p50;
				best_k = k;
			}
		}
	}
	m = result_add(r, "preproc.best_gain", "best gain over the sweep", "%", METHOD_LIVE);
	mo = result_add(r, "preproc.offered", "frames offered by the load generator", "kpps",
			METHOD_LIVE);
	if (m) {
		metric_set_samples(m, &p->gain[best_k], (size_t)p->reps);
		metric_set_paper(m, PREPROC_PAPER_GAIN_PCT, "Fig. 10");
		metric_note(m, "at %u %% cut", p->pcts[best_k]);
	}
	if (mo) {
		metric_set_samples(mo, &p->offered, 0);
		metric_engine(mo, lg_engine_name(p->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
	}
	/* a sink that took nearly all that was offered was not the limit: no gain to claim */
	m0 = result_find(r, "preproc.kpps.0");
	if (m0 && mo && m && m0->s.p50 >= 0.9 * mo->s.p50)
		metric_unavailable(m,
				   "generator-bound: the uncut sink took %.0f of %.0f kpps offered "
				   "(>= 90 %%), so the sweep measured the generator, not the sink",
				   m0->s.p50, mo->s.p50);
	exp_gen_note(r, p->lgx, p->gen_why);
	if (p->x->remote)
		result_note(r,
			    "two hosts: the load generator on %s here on cpu %d; the truncation "
			    "and the sink on %s (%s) by the agent, which counts with its own clock",
			    p->tb->gen.ifname, p->tb->gen_cpu, p->tb->dut.ifname, p->tb->dut.ip);
	else
		result_note(
			r,
			"generator: the load generator flat out from the generator's veth on "
			"cpu %d; %s",
			p->tb->gen_cpu,
			p->napi > 0
				? "the dut's XDP, stack and blocking sink share the dut cpu (NAPI "
				  "thread at normal priority, like ksoftirqd under load)"
				: "threaded NAPI unavailable: the dut's XDP and stack ran on the "
				  "generator's cpu, so the sink may not have been the bottleneck");
	result_note(r, "frames carry no UDP checksum, so the stack's work differs only by the "
		       "bytes it carries");
}

int preproc_run(struct exp_ctx *x)
{
	static const unsigned int pcts_full[] = { 0, 10, 25, 50, 75, 90, 100 };
	static const unsigned int pcts_quick[] = { 0, 50, 100 };
	struct pp *p = calloc(1, sizeof(*p));
	int k, err;

	if (!p)
		return -ENOMEM;
	p->x = x;
	p->tb = x->tb;
	p->pcts = x->o->quick ? pcts_quick : pcts_full;
	p->npct = x->o->quick ? 3 : 7;
	p->reps = x->o->quick ? 2 : 5;
	p->dur = x->o->quick ? 300000000ULL : 1000000000ULL;
	for (k = 0; k < 7; k++) {
		stats_samples_init(&p->kpps[k]);
		stats_samples_init(&p->gain[k]);
	}
	stats_samples_init(&p->offered);
	err = pp_up(p);
	/* the XDP load generator: its receive program on the generator's device for the run */
	if (!err)
		p->lgx = exp_gen_open(p->tb, 16, p->gen_why, sizeof(p->gen_why));
	if (!err)
		err = pp_sweep(p);
	if (!err)
		pp_report(p, x->r);
	exp_gen_close(p->tb, p->lgx);
	pp_down(p);
	free(p);
	return err;
}
