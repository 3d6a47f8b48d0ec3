// SPDX-License-Identifier: GPL-2.0
/*
 * kv-afxdp (paper Fig. 7-9): the key-value server itself on AF_XDP (offloadlab afxdp-kv),
 * then the same XDP cache in front of it. Against memcached alone and the XDP_TX responder
 * (the generator's ceiling), at the paper's placement (the dut's NAPI thread and the server's
 * worker on the dut CPU): GET throughput in interleaved repetitions, and the two flows'
 * latency (cacheable and uncacheable, at the paper's share of memcached's capacity). The
 * question: once the slow path is fast, what does a kernel fast path still buy?
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exp/gen.h"
#include "exp/kv/afxdp/kv_afxdp_exp.h"
#include "exp/kv/kv_exp.h"
#include "exp/kv/kv_int.h"
#include "lib/jbound.h"
#include "lib/log.h"

#define AX_PORT KV_AX_PORT

enum ax { AX_MEMCACHED, AX_AFXDP, AX_AFXDP_CACHE, AX_CEIL, AX_MAX };
static const struct {
	const char *key, *label;
	double paper_kps, paper_miss_us; /* Fig. 7, Fig. 8-9 (slow-path median); < 0: none */
} ax_info[AX_MAX] = {
	[AX_MEMCACHED] = { "memcached", "memcached alone (1 thread)", 126.5, 40.6 },
	[AX_AFXDP] = { "afxdp", "AF_XDP server alone", 297, 39 },
	[AX_AFXDP_CACHE] = { "afxdp_cache", "AF_XDP server with the kvcache in front", 333, 58 },
	[AX_CEIL] = { "ceiling", "XDP_TX responder, same sizes (generator's ceiling)", -1, -1 },
};

struct ax_ctx {
	struct ctx c;
};

/* Store the keys in the AF_XDP server over UDP (a 4 KB set comes in IP fragments). */
static int udp_preload(struct ax_ctx *x, const char *prefix, unsigned int keys, size_t vsize)
{
	struct sockaddr_in dst = { .sin_family = AF_INET,
				   .sin_port = htons(AX_PORT),
				   .sin_addr.s_addr = x->c.tb->dut.addr };
	struct timeval tv = { .tv_sec = 0, .tv_usec = 200000 };
	char *buf = malloc(vsize + 160), rep[64];
	int fd, err = 0;
	unsigned int k;

	if (!buf)
		return -ENOMEM;
	err = tb_enter(x->c.tb, TB_GEN);
	fd = err ? -1 : socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	tb_leave(x->c.tb);
	if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof(dst))) {
		err = fd < 0 ? (err ? err : -errno) : -errno;
		goto out;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (k = 0; !err && k < keys; k++) {
		char key[32];
		int h, tries;
		bool ok = false;

		kv_key(key, sizeof(key), prefix, k);
		h = snprintf(buf, 160, "%c%c%c%c%c%c%c%cset %s 0 0 %zu\r\n", (char)(k >> 8),
			     (char)k, 0, 0, 0, 1, 0, 0, key, vsize);
		memset(buf + h, 'v', vsize);
		memcpy(buf + h + vsize, "\r\n", 2);
		for (tries = 0; tries < 5 && !ok; tries++)
			ok = send(fd, buf, (size_t)h + vsize + 2, 0) > 0 &&
			     recv(fd, rep, sizeof(rep), 0) >= 14 && !memcmp(rep + 8, "STORED", 6);
		if (!ok)
			err = -EPROTO;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	return err;
}

static void ax_down(struct ax_ctx *x)
{
	kv_ax_dut_stop(&x->c);
	kv_sv_down(&x->c);
}

static int ax_up(struct ax_ctx *x, enum ax a, char *why, size_t whylen)
{
	int err;

	x->c.port = a == AX_AFXDP || a == AX_AFXDP_CACHE ? AX_PORT : KV_PORT;
	if (a == AX_MEMCACHED || a == AX_CEIL)
		return kv_sv_up(&x->c, a == AX_CEIL ? SV_CEIL : SV_ALONE, why, whylen);
	err = kv_ax_dut_up(&x->c, a == AX_AFXDP_CACHE, why, whylen);
	/* the small keys over the wire, through the cache when it is there: it learns them */
	if (!err)
		err = udp_preload(x, "kvA", SMALL_KEYS, SMALL_VALUE);
	if (err && !why[0])
		snprintf(why, whylen, "store the keys in the AF_XDP server");
	if (err)
		ax_down(x);
	return err;
}

/* The two flows at once, as kv's: every 11th request for a 4 KB value; one repetition. */
static int ax_two_flows(struct ax_ctx *x, struct stats_hist *pool, double *miss_p50)
{
	struct flow_run f = { .c = &x->c };

	kv_lg_base(&x->c, &f.lo, &f.mc, &f.app, "kvA", SMALL_KEYS, SMALL_VALUE);
	kv_mix_large(&f, 11, 0);
	f.lo.mode = LG_POISSON;
	f.lo.rate = x->c.flow_rate;
	kv_flow_go(&f);
	if (!f.err && f.res.lat && f.res.lat_alt) {
		stats_hist_merge(&pool[0], f.res.lat);
		stats_hist_merge(&pool[1], f.res.lat_alt);
		*miss_p50 = stats_hist_quantile(f.res.lat_alt, 0.5);
	}
	lg_result_free(&f.res);
	return f.err;
}

/*
 * The XDP_TX responder in the shared placement (before any NAPI thread: a veth's NAPI stays
 * threaded once it has been), where the generator's own CPU runs it too: what the generator
 * carries when the dut CPU is not the limit, for the generator-bound rule (c->ceil_kps).
 */
static int ax_ceiling_shared(struct ax_ctx *x, char *why, size_t whylen)
{
	int rep, err = 0;

	x->c.pl = PL_SHARED;
	x->c.port = KV_PORT;
	for (rep = 0; rep < x->c.reps && !err; rep++) {
		double kps = 0;

		err = kv_sv_up(&x->c, SV_CEIL, why, whylen);
		if (err)
			break;
		err = kv_closed_run(&x->c, "kvA", SMALL_KEYS, 0, &kps, NULL, NULL);
		if (!err)
			stats_samples_add(&x->c.ceil_kps[PL_SHARED], kps);
		kv_sv_down(&x->c);
	}
	x->c.pl = PL_PAPER;
	return err;
}

struct ax_runs {
	struct stats_samples kps[AX_MAX], busy[AX_MAX], miss[AX_MAX];
	struct stats_samples kps_socket; /* memcached alone by the socket engine: the cross-check */
	struct stats_hist lat[AX_MAX][2];
};

/*
 * Interleaved repetitions: throughput of every server (pass 0), then, at the paper's share of
 * what memcached alone carried, the two flows on each server but the ceiling (pass 1).
 */
static int ax_measure(struct ax_ctx *x, struct ax_runs *m, char *why, size_t whylen)
{
	int pass, rep, j, err = 0;

	for (pass = 0; pass < 2 && !err; pass++) {
		if (pass == 1) {
			struct stats_samples c;
			struct stats_summary sum;
			size_t i;

			stats_samples_init(&c); /* a copy: the summary sorts */
			for (i = 0; i < m->kps[AX_MEMCACHED].n; i++)
				stats_samples_add(&c, m->kps[AX_MEMCACHED].v[i]);
			stats_samples_summary(&c, &sum);
			stats_samples_free(&c);
			x->c.flow_rate = fmin(PAPER_FLOW_RATE, sum.p50 * 1e3 * PAPER_FLOW_SHARE);
		}
		for (rep = 0; rep < x->c.reps && !err; rep++) {
			for (j = 0; j < AX_MAX && !err; j++) {
				enum ax a = (enum ax)((rep + j) % AX_MAX);
				double kps = 0, miss = NAN;

				if (pass == 1 && a == AX_CEIL)
					continue;
				log_debug("kv-afxdp: pass %d, rep %d, %s", pass, rep,
					  ax_info[a].key);
				err = ax_up(x, a, why, whylen);
				if (err)
					break;
				if (pass == 0) {
					err = kv_closed_run(&x->c, "kvA", SMALL_KEYS, 0, &kps, NULL,
							    NULL);
					if (!err) {
						stats_samples_add(&m->kps[a], kps);
						stats_samples_add(&m->busy[a], x->c.dut_busy);
					}
					if (!err && a == AX_MEMCACHED && x->c.lgx)
						err = kv_closed_run_with(&x->c, LG_ENGINE_SOCKET,
									 "kvA", SMALL_KEYS, 0, &kps,
									 NULL, NULL);
					if (!err && a == AX_MEMCACHED && x->c.lgx)
						stats_samples_add(&m->kps_socket, kps);
				} else {
					err = ax_two_flows(x, m->lat[a], &miss);
					if (!err && isfinite(miss))
						stats_samples_add(&m->miss[a], miss);
				}
				ax_down(x);
			}
		}
	}
	return err;
}

static void ax_report(struct ax_ctx *x, struct result *r, struct ax_runs *m)
{
	size_t reps = (size_t)x->c.reps;
	struct metric *mt[AX_MAX], *g;
	char id[64], label[112];
	double ceil;
	int a;

	/* the ratios first, from the paired repetitions (a summary sorts its samples) */
	g = kv_ratio_metric(r, "kv_afxdp.gain.afxdp", "AF_XDP server alone against memcached alone",
			    &m->kps[AX_AFXDP], &m->kps[AX_MEMCACHED]);
	metric_set_paper(g, KV_AFXDP_PAPER_GAIN_AFXDP, "Fig. 7");
	g = kv_ratio_metric(r, "kv_afxdp.gain.cache", "the kvcache in front of the AF_XDP server",
			    &m->kps[AX_AFXDP_CACHE], &m->kps[AX_AFXDP]);
	metric_set_paper(g, KV_AFXDP_PAPER_GAIN_CACHE, "Fig. 7");
	metric_note(g,
		    "with the cache / without, per interleaved repetition: what a kernel fast path "
		    "buys once the slow path is fast");
	g = kv_ratio_metric(r, "kv_afxdp.slowpath",
			    "uncacheable median, cache in front / AF_XDP alone",
			    &m->miss[AX_AFXDP_CACHE], &m->miss[AX_AFXDP]);
	metric_set_paper(g, 58.0 / 39, "Fig. 9");
	for (a = 0; a < AX_MAX; a++) {
		mt[a] = result_addf(r, "kreq/s", METHOD_LIVE, "kv_afxdp.tput.%s", ax_info[a].key);
		metric_label(mt[a], "GET throughput, %s", ax_info[a].label);
		metric_set_samples(mt[a], &m->kps[a], reps);
		metric_engine(mt[a], lg_engine_name(x->c.lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
		if (ax_info[a].paper_kps > 0)
			metric_set_paper(mt[a], ax_info[a].paper_kps, "Fig. 7");
		snprintf(id, sizeof(id), "kv_afxdp.busy.dut.%s", ax_info[a].key);
		snprintf(label, sizeof(label), "dut CPU busy, %s", ax_info[a].key);
		metric_set_samples(result_add(r, id, label, "%", METHOD_LIVE), &m->busy[a], reps);
		if (a == AX_CEIL)
			continue;
		snprintf(id, sizeof(id), "kv_afxdp.lat.hit.%s", ax_info[a].key);
		snprintf(label, sizeof(label), "cacheable flow (32 B, %.1f K/s), %s",
			 x->c.flow_rate * 10 / 11 / 1e3, ax_info[a].key);
		metric_set_hist(result_add(r, id, label, "ns", METHOD_LIVE), &m->lat[a][0], 1000);
		g = result_addf(r, "ns", METHOD_LIVE, "kv_afxdp.lat.miss.%s", ax_info[a].key);
		metric_label(g, "uncacheable flow (4 KB, %.1f K/s), %s", x->c.flow_rate / 11 / 1e3,
			     ax_info[a].key);
		metric_set_hist(g, &m->lat[a][1], 100);
		metric_set_paper(g, ax_info[a].paper_miss_us * 1e3, "Fig. 8-9");
	}
	if (m->kps_socket.n) {
		g = result_add(r, "kv_afxdp.tput.memcached.socket",
			       "GET throughput, memcached alone, socket engine (cross-check)",
			       "kreq/s", METHOD_LIVE);
		metric_set_samples(g, &m->kps_socket, reps);
		metric_engine(g, "socket");
		exp_gen_xcheck(r, mt[AX_MEMCACHED], g);
	}
	/* generator headroom, as kv's: against its best ceiling, either placement */
	for (a = 0; a < (int)m->kps[AX_CEIL].n; a++)
		stats_samples_add(&x->c.ceil_kps[PL_PAPER], m->kps[AX_CEIL].v[a]);
	if (x->c.ceil_kps[PL_SHARED].n) {
		struct stats_samples cp;
		size_t i;

		stats_samples_init(&cp); /* a copy: a summary sorts */
		for (i = 0; i < x->c.ceil_kps[PL_SHARED].n; i++)
			stats_samples_add(&cp, x->c.ceil_kps[PL_SHARED].v[i]);
		g = result_add(
			r, "kv_afxdp.tput.ceiling_shared",
			"GET throughput, XDP_TX responder, shared placement (the generator's "
			"CPU runs it too)",
			"kreq/s", METHOD_LIVE);
		metric_set_samples(g, &cp, reps);
		metric_engine(g, lg_engine_name(x->c.lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
		stats_samples_free(&cp);
	}
	ceil = kv_gen_ceiling(&x->c, r, "kv_afxdp.gen.ceiling")->s.p50;
	for (a = 0; a < AX_CEIL; a++)
		if (ceil > 0 && mt[a]->s.p50 * GENBOUND >= ceil) {
			mt[a]->flags |= METRIC_GENBOUND;
			metric_note(
				mt[a],
				"%.0f kreq/s is within %.1fx of the generator's ceiling (%.0f "
				"kreq/s, its best against the XDP_TX responder in this run): it "
				"may measure the generator",
				mt[a]->s.p50, GENBOUND, ceil);
		}
	g = result_find(r, "kv_afxdp.gain.cache");
	if ((mt[AX_AFXDP_CACHE]->flags | mt[AX_AFXDP]->flags) & METRIC_GENBOUND)
		metric_note(
			g,
			"generator-bound: %s within 1.5x of the generator's ceiling, so the ratio "
			"is bounded by the generator, not by the servers",
			mt[AX_AFXDP]->flags & METRIC_GENBOUND ? "the AF_XDP server alone is"
							      : "the cache is");
}

int kv_afxdp_run(struct exp_ctx *ex)
{
	const struct run_opts *o = ex->o;
	struct result *r = ex->r;
	struct ax_ctx x = { .c = { .o = o, .up = -1, .stats_fd = -1, .pl = PL_PAPER, .x = ex } };
	struct ax_runs *m = calloc(1, sizeof(*m));
	char why[160] = "";
	int err, a;

	if (!m)
		return -ENOMEM;
	x.c.dur_ns = o->quick ? 500000000ULL : 1000000000ULL;
	x.c.reps = o->quick ? 3 : 5;
	for (a = 0; a < AX_MAX; a++) {
		stats_samples_init(&m->kps[a]);
		stats_samples_init(&m->busy[a]);
		stats_samples_init(&m->miss[a]);
	}
	stats_samples_init(&m->kps_socket);
	err = kv_setup(&x.c, ex->tb, r);
	if (!err)
		err = ax_ceiling_shared(&x, why, sizeof(why));
	/* two hosts: a real NIC here is left as it is */
	if (!err && (!x.c.x->remote || dev_is_veth(x.c.tb->gen.ifname))) {
		x.c.gen_napi = tb_napi_pin(x.c.tb, TB_GEN, x.c.tb->gen_cpu, true);
		if (x.c.gen_napi <= 0)
			log_warn(
				"kv-afxdp: the generator's veth stays in softirq (no NAPI thread)");
	}
	if (!err)
		err = ax_measure(&x, m, why, sizeof(why));
	if (!err)
		ax_report(&x, r, m);
	result_note(r,
		    "servers: memcached -t 1 (port 11211), offloadlab afxdp-kv (port %d, one "
		    "worker, copy mode on veth), the same with the kvcache in front (its misses "
		    "handed to the server's AF_XDP socket, replies through TC egress where it "
		    "fills), the XDP_TX responder; each server's worker and the dut veth's NAPI "
		    "thread on the dut CPU %d%s, the generator on cpu %d",
		    AX_PORT, x.c.x->remote ? x.c.side_cpu : x.c.tb->dut_cpu,
		    x.c.x->remote ? " of the server's host (two hosts: its agent ran them)" : "",
		    x.c.tb->gen_cpu);
	exp_gen_note(r, x.c.lgx, x.c.gen_why);
	result_note(
		r,
		"%d interleaved repetitions of %.1f s each: throughput closed loop (%d in "
		"flight); then again, the two flows (%.1f K req/s Poisson, every 11th for 4 KB: "
		"the paper offered 43 %% of its memcached's capacity, this is 43 %% of "
		"memcached's median here, or 55 K if less)",
		x.c.reps, (double)x.c.dur_ns / 1e9, KV_OUTSTANDING, x.c.flow_rate / 1e3);
	ax_down(&x);
	result_note(r,
		    "kvcache counters over its runs: %llu hits, %llu misses, %llu fills, %llu "
		    "fills fenced, %llu not cacheable",
		    (unsigned long long)x.c.kvc_total[KVC_HIT],
		    (unsigned long long)x.c.kvc_total[KVC_MISS],
		    (unsigned long long)x.c.kvc_total[KVC_FILL],
		    (unsigned long long)x.c.kvc_total[KVC_FILL_FENCED],
		    (unsigned long long)x.c.kvc_total[KVC_NOT_CACHEABLE]);
	for (a = 0; a < KVC_NCOUNTERS; a++)
		if (x.c.kvc_total[a])
			log_debug("kvcache %s: %llu", kvc_counter_name((enum kvc_counter)a),
				  (unsigned long long)x.c.kvc_total[a]);
	kv_teardown(&x.c);
	for (a = 0; a < AX_MAX; a++) {
		stats_samples_free(&m->kps[a]);
		stats_samples_free(&m->busy[a]);
		stats_samples_free(&m->miss[a]);
	}
	stats_samples_free(&m->kps_socket);
	free(m);
	if (err && !r->error[0] && x.c.side_err)
		snprintf(r->error, sizeof(r->error), "%.250s", x.c.side_why);
	if (err && !r->error[0])
		snprintf(r->error, sizeof(r->error), "%s%s%s", why, why[0] ? ": " : "",
			 strerror(-err));
	return err;
}
