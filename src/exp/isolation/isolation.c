// SPDX-License-Identifier: GPL-2.0
/*
 * isolation (paper Fig. 16): the latency of a plain user-space echo server when another
 * application's packets are processed by XDP on the same receive path, for a sweep of that
 * neighbour's per-packet cost and rate.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "exp/gen.h"
#include "exp/isolation/isolation_exp.h"
#include "exp/isolation/isolation_int.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "lib/stats.h"
#include "loadgen/loadgen.h"
#include "testbed/testbed.h"

/*
 * A sweep point: the neighbour's per-packet work (iters) and its rate, either as a share of
 * what this machine delivers to that neighbour (pct, measured first in the same run) or as the
 * absolute rate kpps (0 for both: no neighbour).
 */
struct point {
	uint32_t pct, kpps, iters;
};

/* The neighbour's XDP program, through the server side (here or on the other host). */
struct neigh {
	struct exp_ctx *x;
	int err; /* the side's, once it failed */
};

static json_t *neigh_call(struct neigh *n, json_t *req)
{
	char why[200];
	json_t *a = side_call(n->x, req, why, sizeof(why));

	if (!a && !n->err)
		n->err = log_errno(-EIO, "%s: %s", side_host(n->x), why);
	return a;
}

static void neigh_iters(struct neigh *n, uint32_t iters)
{
	json_decref(neigh_call(n, json_pack("{s:s, s:i}", "op", "iso_iters", "iters", (int)iters)));
}

/* Datagrams the neighbour's program has seen so far. */
static uint64_t neigh_pkts(struct neigh *n)
{
	struct jb b = { .what = "iso_pkts" };
	json_t *a;
	uint64_t v;

	a = neigh_call(n, json_pack("{s:s}", "op", "iso_pkts"));
	v = a ? jb_key_count(&b, a, "pkts") : 0;
	json_decref(a);
	if (b.err && !n->err)
		n->err = log_errno(-EPROTO, "%s: %s", side_host(n->x), b.why);
	return v;
}

/*
 * The rate (kpps) at which this machine gets the neighbour's datagrams through its XDP
 * program when they cost iters each: the blaster at full speed for a short while. The
 * sweep's points are shares of it, so that every point is a load the machine can carry.
 */
static int capacity(struct neigh *nb, struct blaster *b, uint32_t iters, bool quick,
		    double *offered_kpps, double *kpps)
{
	uint64_t t0, t1, n0, n1;
	struct timespec d = { .tv_sec = 0, .tv_nsec = quick ? 300000000L : 600000000L };
	int err;

	neigh_iters(nb, iters);
	n0 = neigh_pkts(nb);
	t0 = bpfu_now_ns();
	err = iso_blaster_start(b, 0);
	if (err)
		return err;
	nanosleep(&d, NULL);
	err = iso_blaster_stop(b);
	t1 = bpfu_now_ns();
	n1 = neigh_pkts(nb);
	if (err || nb->err)
		return err ? err : nb->err;
	if (n1 < n0)
		return log_errno(-EPROTO, "the neighbour's count went back (%llu -> %llu)",
				 (unsigned long long)n0, (unsigned long long)n1);
	*offered_kpps = (double)atomic_load(&b->sent) * 1e6 / (double)(t1 - t0);
	*kpps = (double)(n1 - n0) * 1e6 / (double)(t1 - t0);
	return *kpps > 0 ? 0 : -ENODATA;
}

static int measure(const struct tb *tb, const struct run_opts *o, struct lg_result *lr)
{
	struct sockaddr_in *dst;
	struct lg_opts lo;
	int err;

	lg_opts_default(&lo);
	dst = (struct sockaddr_in *)&lo.dst;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(ECHO_PORT);
	dst->sin_addr.s_addr = tb->dut.addr;
	lo.dstlen = sizeof(*dst);
	lo.mode = LG_POISSON;
	lo.rate = 2000;
	lo.batch = 1;
	lo.duration_ns = o->quick ? 700000000ULL : 2000000000ULL;
	lo.warmup_ns = 100000000ULL;
	lo.cpu = tb->gen_cpu;
	err = tb_enter(tb, TB_GEN);
	if (err)
		return err;
	err = lg_run(&lo, lr);
	tb_leave(tb);
	return err;
}

/* Store nb0 over TCP with the cache attached, so that it can be cached. */
static int kv_preload(const struct tb *tb)
{
	static const char set[] = "set nb0 0 0 32\r\nvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv\r\n";
	int fd = tb_connect(tb, 11211, 5000000000ULL), err;
	char rep[32];

	if (fd < 0)
		return fd;
	err = send(fd, set, sizeof(set) - 1, MSG_NOSIGNAL) < 0 ||
			      recv(fd, rep, sizeof(rep), 0) < 6 || memcmp(rep, "STORED", 6)
		      ? -EPROTO
		      : 0;
	close(fd);
	return err;
}

/*
 * The kvcache as the neighbour (paper Fig. 16): memcached on the dut with the cache attached
 * (here, or on the server's host through its agent), the blaster sending GETs for one cached
 * key at kpps, the echo server's latency measured meanwhile.
 */
static void kvcache_neighbour(struct result *r, const struct run_opts *o, struct tb *tb,
			      struct neigh *nb, struct blaster *b, uint32_t kpps, double alone)
{
	static const char get[] = "\x00\x01\x00\x00\x00\x01\x00\x00get nb0\r\n";
	struct metric *m = result_add(r, "isolation.lat.kvcache",
				      "echo latency, kvcache neighbour serving GET hits", "ns",
				      METHOD_LIVE),
		      *c = result_add(r, "isolation.change.kvcache",
				      "latency change, kvcache neighbour", "%", METHOD_MODEL);
	struct lg_result lr = { 0 };
	uint64_t hits = 0, t0 = 0, t1 = 0;
	char why[300] = "";
	json_t *a;
	int err;

	/* the XDP neighbour makes way for memcached with the cache, on the server side */
	a = side_call(nb->x, json_pack("{s:s}", "op", "iso_kvc_up"), why, sizeof(why));
	err = a ? 0 : -EIO;
	json_decref(a);
	if (!err)
		err = kv_preload(tb);
	if (!err) {
		b->port = 11211;
		b->msg = get;
		b->msg_len = sizeof(get) - 1;
		t0 = bpfu_now_ns();
		err = iso_blaster_start(b, kpps);
		if (!err) {
			int berr;

			err = measure(tb, o, &lr);
			berr = iso_blaster_stop(b);
			t1 = bpfu_now_ns();
			if (!err && berr)
				err = berr;
		}
		b->port = 0;
		b->msg = NULL;
	}
	if (!err) {
		struct jb jb = { .what = "iso_kvc_hits" };

		a = neigh_call(nb, json_pack("{s:s}", "op", "iso_kvc_hits"));
		hits = a ? jb_key_count(&jb, a, "hits") : 0;
		err = !a       ? -EIO
		      : jb.err ? log_errno(-EPROTO, "%s: %s", side_host(nb->x), jb.why)
			       : 0;
		json_decref(a);
	}
	if (!err && !lr.received) {
		metric_unavailable(
			m,
			"the echo server answered none of %llu requests while the kvcache "
			"answered %llu of %llu GETs sent at %u kpps (its CPU saturated?)",
			(unsigned long long)lr.sent, (unsigned long long)hits,
			(unsigned long long)atomic_load(&b->sent), kpps);
		metric_unavailable(c, "no echo latency beside the kvcache neighbour");
	} else if (!err && (double)hits * 1e6 < 0.9 * kpps * (double)(t1 - t0)) {
		/* as a sweep point: a load the machine did not carry answers nothing */
		metric_unavailable(
			m,
			"this machine did not carry the neighbour's load: %u kpps asked, "
			"%.0f offered, the kvcache answered %.0f kpps",
			kpps, (double)atomic_load(&b->sent) * 1e6 / (double)(t1 - t0),
			(double)hits * 1e6 / (double)(t1 - t0));
		metric_unavailable(c, "no echo latency beside the kvcache neighbour");
	} else if (!err) {
		metric_set_hist(m, lr.lat, 0);
		metric_set_paper(m, ISOLATION_PAPER_NEIGH_NS, "Fig. 16");
		metric_note(m,
			    "Poisson 2000 req/s to the echo server, %llu lost; the kvcache "
			    "answered %llu "
			    "of %llu GETs sent at %u kpps",
			    (unsigned long long)lr.lost, (unsigned long long)hits,
			    (unsigned long long)atomic_load(&b->sent), kpps);
		if (alone > 0) {
			struct stats_samples d;

			stats_samples_init(&d);
			stats_samples_add(&d, (m->s.p50 / alone - 1) * 100);
			metric_set_samples(c, &d, 0);
			metric_set_paper(c, ISOLATION_PAPER_CHANGE_PCT, "Fig. 16");
			metric_note(c, "median against no neighbour");
			stats_samples_free(&d);
		}
	} else {
		metric_unavailable(m, "the kvcache neighbour could not run: %s",
				   why[0] ? why : strerror(-err));
		metric_unavailable(c, "no kvcache neighbour run");
	}
	lg_result_free(&lr);
	/* iso_down takes it down with the rest */
}

/* Iterations of neighbour work per packet in the sweep (paper Fig. 16: light and heavy). */
#define ITERS_LIGHT 200
#define ITERS_HEAVY 1000
/* The paper's absolute point, run where this machine can carry it. */
#define PAPER_KPPS 200

/*
 * What the machine carries to the neighbour at iters, by the XDP engine: as capacity(), from
 * what reached the neighbour's program. -ENOTSUP without the engine.
 */
static int capacity_xdp(struct neigh *nb, const struct tb *tb, struct lg_xdp *x, uint32_t iters,
			bool quick, double *offered_kpps, double *kpps)
{
	uint64_t t0, t1, n0, n1;
	int err;

	if (!x)
		return -ENOTSUP;
	neigh_iters(nb, iters);
	n0 = neigh_pkts(nb);
	t0 = bpfu_now_ns();
	err = iso_flood_xdp(tb, x, quick ? 300000000ULL : 600000000ULL, offered_kpps);
	t1 = bpfu_now_ns();
	n1 = neigh_pkts(nb);
	if (err || nb->err)
		return err ? err : nb->err;
	*kpps = (double)(n1 - n0) * 1e6 / (double)(t1 - t0);
	return *kpps > 0 ? 0 : -ENODATA;
}

static int sweep_points(struct neigh *nb, struct blaster *b, const struct tb *tb, struct lg_xdp *x,
			bool quick, struct result *r, struct point *pts, int *npts)
{
	static const uint32_t iters[2] = { ITERS_LIGHT, ITERS_HEAVY };
	static const uint32_t pcts_full[] = { 25, 50, 75 }, pcts_quick[] = { 25, 75 };
	const uint32_t *pcts = quick ? pcts_quick : pcts_full;
	int np = quick ? 2 : 3, i, j, k = 0, err;

	pts[k++] = (struct point){ 0 };
	for (j = quick ? 1 : 0; j < 2; j++) {
		double offered = 0, kpps = 0, xoffered = 0, xkpps = 0;
		struct metric *m, *mp;

		err = capacity(nb, b, iters[j], quick, &offered, &kpps);
		if (!err && x)
			err = capacity_xdp(nb, tb, x, iters[j], quick, &xoffered, &xkpps);
		if (err)
			return log_errno(err,
					 "measure what the neighbour's path carries at %u iters",
					 iters[j]);
		m = result_addf(r, "kpps", METHOD_LIVE, "isolation.capacity.%u", iters[j]);
		metric_label(m, "neighbour rate this machine carries, %u iters", iters[j]);
		mp = result_addf(r, "kpps", METHOD_LIVE, "isolation.capacity.%u.paced", iters[j]);
		metric_label(mp, "neighbour rate its paced clients reach, %u iters", iters[j]);
		metric_set_value(mp, kpps);
		metric_engine(mp, "socket");
		metric_note(
			mp,
			"datagrams through the neighbour's XDP program, its clients (a socket's "
			"bursts every 200 us) flat out (%.0f kpps offered); the points are shares "
			"of this",
			offered);
		/* the machine carries at least the more of the two; a sender that got nearly
		 * all it offered through may itself have been the limit */
		if (x && xkpps > kpps) {
			metric_set_value(m, xkpps);
			metric_engine(m, "xdp");
		} else {
			metric_set_value(m, kpps);
			metric_engine(m, "socket");
		}
		if ((x && xkpps > kpps ? xkpps : kpps) * 1.5 >=
		    (x && xkpps > kpps ? xoffered : offered))
			m->flags |= METRIC_GENBOUND;
		if (x)
			metric_note(
				m,
				"the more of two senders flat out: the XDP load generator (%.0f "
				"kpps offered, %.0f reached the neighbour's XDP program) and the "
				"paced clients (%.0f offered, %.0f reached)",
				xoffered, xkpps, offered, kpps);
		else
			metric_note(
				m,
				"the paced clients flat out (%.0f kpps offered, %.0f reached): "
				"the XDP load generator could not run (the run's notes say why)",
				offered, kpps);
		for (i = 0; i < np; i++)
			pts[k++] = (struct point){ .pct = pcts[i],
						   .kpps = (uint32_t)(kpps * pcts[i] / 100 + 0.5),
						   .iters = iters[j] };
		/* the paper's absolute point, where it fits with a margin */
		if (iters[j] == ITERS_HEAVY && PAPER_KPPS <= 0.9 * kpps)
			pts[k++] = (struct point){ .kpps = PAPER_KPPS, .iters = iters[j] };
	}
	*npts = k;
	return 0;
}

static void point_id(const struct point *p, char *id, size_t idlen, char *label, size_t lablen)
{
	if (!p->kpps) {
		snprintf(id, idlen, "isolation.lat.alone");
		snprintf(label, lablen, "echo latency, no neighbour");
	} else if (p->pct) {
		snprintf(id, idlen, "isolation.lat.%upct.%u", p->pct, p->iters);
		snprintf(label, lablen,
			 "echo latency, neighbour %u %% of capacity (%u kpps) x %u iters", p->pct,
			 p->kpps, p->iters);
	} else {
		snprintf(id, idlen, "isolation.lat.%uk.%u", p->kpps, p->iters);
		snprintf(label, lablen, "echo latency, neighbour %u kpps x %u iters", p->kpps,
			 p->iters);
	}
}

static void set_change(struct metric *c, const struct metric *m, const struct metric *alone)
{
	struct stats_samples d;

	/* median change against alone, per quartile: a spread from shape */
	stats_samples_init(&d);
	stats_samples_add(&d, (m->s.p25 / alone->s.p25 - 1) * 100);
	stats_samples_add(&d, (m->s.p50 / alone->s.p50 - 1) * 100);
	stats_samples_add(&d, (m->s.p75 / alone->s.p75 - 1) * 100);
	metric_set_samples(c, &d, 0);
	metric_set_paper(c, ISOLATION_PAPER_CHANGE_PCT, "Fig. 16");
	metric_note(
		c,
		"quartile by quartile against no neighbour (n = 3 quartiles); paper: %+d %% from "
		"its plot (its text says +45 %%)",
		ISOLATION_PAPER_CHANGE_PCT);
	stats_samples_free(&d);
}

/* One isolation run: the echo server, the neighbour's program, the sweep's points. */
struct iso {
	struct neigh nb;
	struct tb *tb;
	const struct run_opts *o;
	struct result *r;
	struct blaster *b;
	struct point pts[16];
	int npts, heaviest, napi, gen_napi;
	double alone;
	struct xdp_pass_link gpeer;
	struct lg_xdp *lgx; /* the XDP load generator (capacity), or NULL */
	char gen_why[200];
};

/* The server side (here or the agent's); the generator's veth gets NAPI on its CPU. */
static int iso_up(struct iso *s)
{
	struct jb b = { .what = "iso_up" };
	struct tb *tb = s->tb;
	char why[200];
	json_t *a;
	int err;

	a = side_call(s->nb.x, json_pack("{s:s}", "op", "iso_up"), why, sizeof(why));
	if (!a)
		return log_errno(-EIO, "%s: %s", side_host(s->nb.x), why);
	s->napi = (int)jb_key_int(&b, a, "napi", -4095, JB_TID_MAX);
	json_decref(a);
	if (b.err)
		return log_errno(-EPROTO, "%s: %s", side_host(s->nb.x), b.why);
	/* a real device on the generator's end (two hosts) needs no help to get replies */
	if (tb->two_hosts && !dev_is_veth(tb->gen.ifname))
		return 0;
	/*
	 * the replies on the generator's CPU: its veth gets NAPI (the XDP load generator's
	 * receive program, or an XDP_PASS, which also let XDP_TX replies in) on a thread pinned
	 * there, as on a second machine
	 */
	s->lgx = exp_gen_open(tb, 16, s->gen_why, sizeof(s->gen_why));
	err = s->lgx ? 0 : tb_enter(tb, TB_GEN);
	if (err)
		return err;
	if (!s->lgx) {
		err = xdp_pass_attach(tb->gen.ifname, &s->gpeer);
		tb_leave(tb);
	}
	if (!err)
		s->gen_napi = tb_napi_pin(tb, TB_GEN, tb->gen_cpu, false);
	return err;
}

static void iso_down(struct iso *s)
{
	char why[64];

	if (s->nb.x->side_up)
		side_ok(s->nb.x, json_pack("{s:s}", "op", "iso_down"), why, sizeof(why));
	exp_gen_close(s->tb, s->lgx);
	s->lgx = NULL;
	if (s->gpeer.link && !tb_enter(s->tb, TB_GEN)) {
		xdp_pass_detach(&s->gpeer);
		tb_leave(s->tb);
	}
}

/* The echo server's latency at point i of the sweep, its neighbour at the point's load. */
static int iso_point(struct iso *s, int i)
{
	const struct point *pt = &s->pts[i];
	uint64_t n0 = neigh_pkts(&s->nb), n1, t0, t1;
	bool blasting = pt->kpps > 0;
	double offered = 0, delivered = 0;
	char id[64], label[128];
	struct lg_result lr;
	struct metric *m;
	int err;

	neigh_iters(&s->nb, pt->iters);
	if (blasting) {
		err = iso_blaster_start(s->b, pt->kpps);
		if (err)
			return err;
	}
	t0 = bpfu_now_ns();
	err = measure(s->tb, s->o, &lr);
	t1 = bpfu_now_ns();
	if (blasting) {
		int berr = iso_blaster_stop(s->b);

		if (!err && berr)
			err = log_errno(berr, "send the neighbour's frames");
	}
	if (err)
		return err;
	n1 = neigh_pkts(&s->nb);
	if (s->nb.err)
		return s->nb.err;
	if (blasting) {
		offered = (double)atomic_load(&s->b->sent) * 1e6 / (double)(t1 - t0);
		delivered = (double)(n1 - n0) * 1e6 / (double)(t1 - t0);
	}
	point_id(pt, id, sizeof(id), label, sizeof(label));
	m = result_add(s->r, id, label, "ns", METHOD_LIVE);
	if (m) {
		metric_note(m,
			    "Poisson 2000 req/s; %llu lost; neighbour: %u kpps asked, %.0f kpps "
			    "offered, %.0f kpps reached its XDP program",
			    (unsigned long long)lr.lost, pt->kpps, offered, delivered);
		if (blasting && delivered < 0.9 * pt->kpps)
			/* a load the machine did not carry answers nothing */
			metric_unavailable(
				m,
				"this machine did not carry the neighbour's load: %u kpps "
				"asked, %.0f offered, %.0f reached its XDP program",
				pt->kpps, offered, delivered);
		else
			metric_set_hist(m, lr.lat, 0);
		if (!blasting) {
			metric_set_paper(m, ISOLATION_PAPER_ALONE_NS, "Fig. 16");
			s->alone = m->s.p50;
		} else if (!m->unavailable[0] &&
			   (s->heaviest < 0 ||
			    (double)pt->kpps * pt->iters >=
				    (double)s->pts[s->heaviest].kpps * s->pts[s->heaviest].iters)) {
			s->heaviest = i;
		}
	}
	lg_result_free(&lr);
	return 0;
}

/* The heaviest point the machine carried, again under a stable id, for the summary. */
static void iso_heaviest(struct iso *s)
{
	struct result *r = s->r;
	struct metric *h, *c, *src = NULL, *al;
	char id[64], label[128];

	/* result_add may move the array: look every metric up after the last add */
	result_add(r, "isolation.lat.heaviest", "echo latency, heaviest neighbour", "ns",
		   METHOD_LIVE);
	result_add(r, "isolation.change.heaviest", "latency change, heaviest neighbour", "%",
		   METHOD_MODEL);
	h = result_find(r, "isolation.lat.heaviest");
	c = result_find(r, "isolation.change.heaviest");
	al = result_find(r, "isolation.lat.alone");
	if (s->heaviest >= 0) {
		point_id(&s->pts[s->heaviest], id, sizeof(id), label, sizeof(label));
		src = result_find(r, id);
	}
	if (h && c && src && al && s->alone > 0) {
		*h = *src;
		snprintf(h->id, sizeof(h->id), "isolation.lat.heaviest");
		snprintf(h->label, sizeof(h->label), "echo latency, heaviest neighbour");
		metric_note(h, "= %s", src->id);
		metric_set_paper(h, ISOLATION_PAPER_NEIGH_NS, "Fig. 16");
		set_change(c, h, al);
	} else if (h && c) {
		metric_unavailable(h, "no neighbour load of the sweep was carried here");
		metric_unavailable(c, "no neighbour load of the sweep was carried here");
	}
}

static void iso_notes(struct iso *s)
{
	exp_gen_note(s->r, s->lgx, s->gen_why);
	result_note(s->r,
		    "the neighbour's rate is set as a share of what this machine carries to it "
		    "(isolation.capacity.*, measured first in this run); a point it does not "
		    "carry is reported as such, not as a latency");
	result_note(s->r,
		    "the echo server (sleeping, cpu %d) and the neighbour's XDP share the dut "
		    "veth's NAPI %s; the neighbour's datagrams come in bursts every 200 us from a "
		    "real-time thread on the generator's cpu",
		    s->tb->dut_cpu,
		    s->napi > 0 ? "thread on the dut cpu (normal priority)"
				: "in softirq on the generator's cpu (threaded NAPI unavailable)");
	result_note(s->r,
		    "the generator's veth: NAPI %s, so the replies' receive work is not charged "
		    "to the dut",
		    s->gen_napi > 0 ? "thread pinned to the generator's cpu"
				    : "in softirq on the sending cpu (threaded NAPI unavailable)");
}

int isolation_run(struct exp_ctx *x)
{
	struct iso *s = calloc(1, sizeof(*s));
	int i, err;

	if (!s)
		return -ENOMEM;
	s->nb.x = x;
	s->tb = x->tb;
	s->o = x->o;
	s->r = x->r;
	s->heaviest = s->napi = s->gen_napi = -1;
	s->b = calloc(1, sizeof(*s->b));
	err = s->b ? iso_up(s) : -ENOMEM;
	if (!err) {
		s->b->tb = s->tb;
		err = sweep_points(&s->nb, s->b, s->tb, s->lgx, s->o->quick, s->r, s->pts,
				   &s->npts);
	}
	for (i = 0; !err && i < s->npts; i++)
		err = iso_point(s, i);
	if (!err) {
		iso_heaviest(s);
		/* the paper's neighbour: the kvcache serving GET hits beside the echo server */
		kvcache_neighbour(s->r, s->o, s->tb, &s->nb, s->b,
				  s->heaviest >= 0 ? s->pts[s->heaviest].kpps : PAPER_KPPS,
				  s->alone);
		iso_notes(s);
	}
	iso_down(s);
	free(s->b);
	free(s);
	return err;
}
