// SPDX-License-Identifier: GPL-2.0
/*
 * echo (paper Fig. 3): a UDP echo answered by a user-space socket server (sleeping or
 * busy-polling), by SK_SKB, by TC and by XDP; TCP echo by the socket server and by SK_SKB.
 * Latency at a moderate Poisson rate (from the intended send time), and the most each one
 * serves with requests kept in flight. The server side, one variant at a time, is
 * echo_side.c; the offloads on their own are `offloadlab echo serve` (echo_serve.c).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exp/echo/echo_exp.h"
#include "exp/echo/echo_int.h"
#include "exp/gen.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/wake.h"
#include "loadgen/loadgen.h"
#include "testbed/testbed.h"

const char *const echo_pl_name[PL_MAX] = { "shared", "split" };

const struct echo_vinfo echo_vinfo[V_MAX] = {
	[V_SOCK_SLEEP] = { "socket_sleep", "socket server, sleeping", 44.3, true, true },
	[V_SOCK_BUSY] = { "socket_busy", "socket server, busy-polling", -1, true, true },
	[V_SKSKB] = { "skskb", "SK_SKB verdict -> socket egress", 43.1, true, true },
	[V_TC] = { "tc", "TC: swap, redirect out", 38.5, true, false },
	[V_XDP] = { "xdp", "XDP: swap, XDP_TX", 37.8, true, false },
};

/* TCP SK_SKB: the server side takes the generator's connection into its sockmap, now. */
static int side_accept(void *arg, int fd)
{
	struct ctx *c = arg;
	char why[200];

	(void)fd;
	if (side_ok(c->x, json_pack("{s:s}", "op", "echo_accept"), why, sizeof(why))) {
		log_info("echo: %s did not take the connection: %s", side_host(c->x), why);
		return -EIO;
	}
	return 0;
}

int echo_srv_up(struct ctx *c, enum variant v, enum lg_l4 l4, char *why, size_t whylen)
{
	struct jb b = { .what = "echo_up" };
	json_t *a;

	/* UDP SK_SKB: the server side connects its socket to the generator's address (peer) */
	a = side_call(c->x,
		      json_pack("{s:s, s:s, s:s, s:s, s:b}", "op", "echo_up", "variant",
				echo_vinfo[v].key, "l4", l4 == LG_UDP ? "udp" : "tcp", "peer",
				c->tb->gen.ip, "split", c->pl == PL_SPLIT),
		      why, whylen);
	if (!a)
		return -EIO;
	/* the dut's NAPI thread, for the wake-up tracer here (a pid of that host) */
	c->napi_pid = (int)jb_key_int(&b, a, "napi", -4095, JB_TID_MAX);
	json_decref(a);
	if (b.err)
		snprintf(why, whylen, "%s: %s", side_host(c->x), b.why);
	return b.err ? -EPROTO : 0;
}

uint64_t echo_srv_down(struct ctx *c)
{
	char why[200];
	json_t *a = side_call(c->x, json_pack("{s:s}", "op", "echo_down"), why, sizeof(why));
	struct jb b = { .what = "echo_down" };
	uint64_t n = a ? jb_key_count(&b, a, "replied") : 0;

	if (!a)
		log_info("echo: %s could not take the variant down: %s", side_host(c->x), why);
	else if (b.err)
		log_info("echo: %s's count of replies is refused: %s", side_host(c->x), b.why);
	json_decref(a);
	c->napi_pid = 0;
	return n;
}

static void lg_setup(struct lg_opts *lo, const struct tb *tb, enum lg_l4 l4)
{
	struct sockaddr_in *dst = (struct sockaddr_in *)&lo->dst;
	struct sockaddr_in *src = (struct sockaddr_in *)&lo->src;

	lg_opts_default(lo);
	lo->l4 = l4;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(ECHO_PORT);
	dst->sin_addr.s_addr = tb->dut.addr;
	lo->dstlen = sizeof(*dst);
	src->sin_family = AF_INET;
	/* TCP: an ephemeral port, or the next connection meets the last one in TIME_WAIT */
	src->sin_port = l4 == LG_TCP ? 0 : htons(GEN_PORT);
	src->sin_addr.s_addr = tb->gen.addr;
	lo->srclen = sizeof(*src);
	lo->cpu = tb->gen_cpu;
}

/* The generator's options for one run against variant v (SK_SKB TCP: accepted at once). */
void echo_lg_for(struct ctx *c, struct lg_opts *lo, enum variant v, enum lg_l4 l4)
{
	lg_setup(lo, c->tb, l4);
	if (v == V_SKSKB && l4 == LG_TCP) {
		lo->after_connect = side_accept;
		lo->after_connect_arg = c;
	}
}

/* Latency: Poisson arrivals at a moderate rate, from the intended send time. */
static int lat_run(struct ctx *c, enum variant v, enum lg_l4 l4, const struct run_plan *p,
		   struct lg_xdp *x, struct metric *ml, uint64_t *sent, uint64_t *lost)
{
	struct lg_opts lo;
	struct lg_result lr;
	int err;

	echo_lg_for(c, &lo, v, l4);
	exp_gen_use(&lo, x);
	lo.mode = LG_POISSON;
	lo.rate = p->rate;
	lo.duration_ns = p->lat_ns;
	lo.warmup_ns = p->lat_ns / 10;
	lo.batch = 1; /* a latency point: every request leaves at once */
	err = lg_run(&lo, &lr);
	if (err)
		return err;
	metric_note(ml,
		    "Poisson %.0f req/s offered, %.0f delivered, for %.1f s; %llu sent, %llu lost; "
		    "from the intended send time",
		    p->rate, lr.achieved_rps, (double)p->lat_ns / 1e9, (unsigned long long)lr.sent,
		    (unsigned long long)lr.lost);
	if (lr.achieved_rps < 0.9 * p->rate)
		/* a load this machine did not carry: its latency answers nothing */
		metric_unavailable(
			ml,
			"this machine did not carry the offered load: %.0f of %.0f req/s "
			"answered",
			lr.achieved_rps, p->rate);
	else
		metric_set_hist(ml, lr.lat, 0);
	metric_engine(ml, lg_engine_name(lo.engine));
	*lost += lr.lost;
	*sent += lr.sent;
	lg_result_free(&lr);
	return 0;
}

int echo_measure_lat(struct ctx *c, enum variant v, enum lg_l4 l4, const struct run_plan *p,
		     struct metric *ml, uint64_t *sent, uint64_t *lost)
{
	return lat_run(c, v, l4, p, NULL, ml, sent, lost);
}

/* TCP throughput (the socket engine): requests kept in flight, repeated for a spread. */
static int measure_tput(struct ctx *c, enum variant v, enum lg_l4 l4, const struct run_plan *p,
			struct metric *mt, uint64_t *sent, uint64_t *lost)
{
	struct stats_samples tput;
	struct lg_opts lo;
	struct lg_result lr;
	int i, err = 0;

	stats_samples_init(&tput);
	for (i = 0; i < p->tput_reps && !err; i++) {
		echo_lg_for(c, &lo, v, l4);
		lo.mode = LG_CLOSED;
		lo.outstanding = OUTSTANDING;
		lo.duration_ns = p->tput_ns;
		lo.batch = 16;
		err = lg_run(&lo, &lr);
		if (err)
			break;
		stats_samples_add(&tput, lr.achieved_rps / 1000.0);
		*lost += lr.lost;
		*sent += lr.sent;
		lg_result_free(&lr);
	}
	if (!err) {
		metric_set_samples(mt, &tput, (size_t)p->tput_reps);
		metric_engine(mt, "socket");
		metric_note(mt,
			    "closed loop, %d requests in flight, %d runs of %.1f s (socket engine: "
			    "TCP)",
			    OUTSTANDING, p->tput_reps, (double)p->tput_ns / 1e9);
	}
	stats_samples_free(&tput);
	return err;
}

/*
 * The cross-check on one load both engines carry: the XDP echo's latency at the same rate by
 * the XDP engine, beside the socket engine's (which includes the generator's own socket path).
 */
static int lat_xcheck(struct ctx *c, const struct run_plan *p, struct result *r,
		      const struct metric *ml, uint64_t *sent, uint64_t *lost)
{
	struct metric *mx = result_addf(r, "ns", METHOD_LIVE, "echo.lat.%s.udp.xdp.xdpgen",
					echo_pl_name[c->pl]);
	int err;

	metric_label(mx, "latency, XDP echo (udp, %s), XDP engine (cross-check)",
		     echo_pl_name[c->pl]);
	if (!c->lgx) {
		metric_unavailable(mx, "the XDP engine could not run here: %s", c->gen_why);
		return 0;
	}
	err = lat_run(c, V_XDP, LG_UDP, p, c->lgx, mx, sent, lost);
	if (!err)
		exp_gen_xcheck(r, mx, ml);
	return err;
}

static int run_variant(struct ctx *c, enum variant v, enum lg_l4 l4, const struct run_plan *p,
		       struct result *r)
{
	const char *l4n = l4 == LG_UDP ? "udp" : "tcp";
	struct metric *ml, *mt = NULL;
	char why[160] = "";
	uint64_t lost = 0, sent = 0, replied;
	int err;

	ml = result_addf(r, "ns", METHOD_LIVE, "echo.lat.%s.%s.%s", echo_pl_name[c->pl], l4n,
			 echo_vinfo[v].key);
	metric_label(ml, "latency, %s (%s, %s)", echo_vinfo[v].label, l4n, echo_pl_name[c->pl]);
	/* UDP throughput: echo_tput.c, interleaved */
	if (l4 == LG_TCP) {
		mt = result_addf(r, "kreq/s", METHOD_LIVE, "echo.tput.%s.%s.%s",
				 echo_pl_name[c->pl], l4n, echo_vinfo[v].key);
		metric_label(mt, "throughput, %s (%s, %s)", echo_vinfo[v].label, l4n,
			     echo_pl_name[c->pl]);
	}
	if (!ml || (l4 == LG_TCP && !mt))
		return -ENOMEM;
	if (echo_vinfo[v].paper_us > 0)
		metric_set_paper(ml, echo_vinfo[v].paper_us * 1000.0, "Fig. 3");

	err = echo_srv_up(c, v, l4, why, sizeof(why));
	if (err) {
		metric_unavailable(ml, "%s", why);
		if (mt)
			metric_unavailable(mt, "%s", why);
		if (c->pl == PL_SPLIT && l4 == LG_UDP)
			echo_wake_unavailable(r, v, why);
		if (v == V_XDP && l4 == LG_UDP)
			metric_unavailable(result_addf(r, "ns", METHOD_LIVE,
						       "echo.lat.%s.udp.xdp.xdpgen",
						       echo_pl_name[c->pl]),
					   "%s", why);
		if (!side_alive(c->x)) {
			snprintf(r->error, sizeof(r->error), "the agent on the server's host: %s",
				 why);
			return -EPIPE;
		}
		return 0; /* the other variants still run */
	}
	err = tb_enter(c->tb, TB_GEN);
	if (err)
		goto out;
	if (c->pl == PL_SPLIT && l4 == LG_UDP)
		echo_wake_begin(c);
	err = lat_run(c, v, l4, p, NULL, ml, &sent, &lost);
	if (!err && c->pl == PL_SPLIT && l4 == LG_UDP)
		echo_wake_end(c, v, r, ml, "split");
	if (!err && v == V_XDP && l4 == LG_UDP)
		err = lat_xcheck(c, p, r, ml, &sent, &lost);
	if (!err && l4 == LG_TCP)
		err = measure_tput(c, v, l4, p, mt, &sent, &lost);
	/* split: the latency again with the cure */
	if (!err && c->pl == PL_SPLIT && l4 == LG_UDP)
		err = echo_wake_spin(c, v, p, r);
	tb_leave(c->tb);
out:
	replied = echo_srv_down(c);
	if (!err && (v == V_XDP || v == V_TC || v == V_SKSKB) && replied == 0)
		result_note(r,
			    "%s/%s/%s: the BPF program answered nothing: replies came from "
			    "elsewhere",
			    echo_pl_name[c->pl], l4n, echo_vinfo[v].key);
	if (!err && sent && lost * 100 > sent)
		result_note(r, "%s/%s/%s: %llu of %llu requests got no reply within 100 ms",
			    echo_pl_name[c->pl], l4n, echo_vinfo[v].key, (unsigned long long)lost,
			    (unsigned long long)sent);
	if (err) {
		metric_unavailable(ml, "the load generator failed: %s", strerror(-err));
		if (mt)
			metric_unavailable(mt, "the load generator failed: %s", strerror(-err));
	}
	return err;
}

int echo_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct tb *tb = x->tb;
	struct run_plan plan = {
		.rate = o->quick ? 5000 : 10000,
		.lat_ns = o->quick ? 1000000000ULL : 3000000000ULL,
		.tput_ns = o->quick ? 400000000ULL : 1000000000ULL,
		.tput_reps = o->quick ? 3 : 5,
	};
	static const enum variant order[] = { V_XDP, V_TC, V_SKSKB, V_SOCK_BUSY, V_SOCK_SLEEP };
	struct xdp_pass_link peer = { 0 };
	struct echo_tput tput[PL_MAX];
	struct ctx c = { 0 };
	int err = 0, l4, i, pl, gen_napi = -1;

	c.x = x;
	c.tb = tb;
	c.remote = x->remote != NULL;
	for (pl = 0; pl < PL_MAX; pl++)
		echo_tput_init(&tput[pl], false);
	/*
	 * The XDP load generator; its receive program is the XDP program a veth needs to get
	 * XDP_TX replies. Where it cannot run, the socket engine, and on a veth an XDP_PASS for
	 * the replies (a NIC needs nothing).
	 */
	c.lgx = exp_gen_open(tb, 16, c.gen_why, sizeof(c.gen_why));
	if (!c.lgx && (!c.remote || dev_is_veth(tb->gen.ifname))) {
		if (c.remote)
			fprintf(stderr,
				"offloadlab: here: attach an XDP_PASS program to %s (a veth "
				"receives XDP_TX replies only with one)\n",
				tb->gen.ifname);
		err = tb_enter(tb, TB_GEN);
		if (!err)
			err = xdp_pass_attach(tb->gen.ifname, &peer);
		tb_leave(tb);
		if (err)
			goto out;
	}
	c.wake = c.remote ? NULL : wake_open();
	/* two hosts: every request crosses between them, as in the split placement */
	for (pl = c.remote ? PL_SPLIT : PL_SHARED; pl < PL_MAX; pl++) {
		c.pl = (enum placement)pl;
		/* split: the generator's veth gets a NAPI thread on the generator's CPU too, so
		 * reply processing is not charged to the dut (shared runs first: threaded NAPI
		 * stays on once set) */
		if (pl == PL_SPLIT && (!c.remote || dev_is_veth(tb->gen.ifname)))
			gen_napi = tb_napi_pin(tb, TB_GEN, tb->gen_cpu, true);
		c.gen_napi = gen_napi;
		for (l4 = LG_UDP; l4 <= LG_TCP; l4++) {
			for (i = 0; i < (int)ARRAY_SIZE(order); i++) {
				enum variant v = order[i];

				if (!(l4 == LG_UDP ? echo_vinfo[v].udp : echo_vinfo[v].tcp))
					continue;
				log_debug("echo: %s %s %s", echo_pl_name[pl],
					  l4 == LG_UDP ? "udp" : "tcp", echo_vinfo[v].key);
				err = run_variant(&c, v, (enum lg_l4)l4, &plan, r);
				if (err)
					goto out;
			}
		}
		err = echo_tput_udp(&c, &plan, &tput[pl]);
		if (err)
			goto out;
	}
	echo_tput_report(&c, r, tput, plan.tput_reps);
	exp_gen_note(r, c.lgx, c.gen_why);
	if (c.remote)
		result_note(
			r,
			"two hosts: the generator here on %s (cpu %d), the server side on %s "
			"(%s) by the agent; only the split placement (the shared one is a single "
			"veth host's); every variant has an XDP program on the server's device",
			tb->gen.ifname, tb->gen_cpu, tb->dut.ifname, tb->dut.ip);
	else
		result_note(
			r,
			"testbed: veth between two namespaces; generator on cpu %d, dut on cpu "
			"%d; split placement: %s; every dut variant has an XDP program attached "
			"(XDP_PASS when XDP is not the one answering) so that all get the same "
			"NAPI path",
			tb->gen_cpu, tb->dut_cpu,
			gen_napi > 0 ? "NAPI threads (real-time priority) pinned to each side's CPU"
				     : "the generator's veth stayed in softirq");
	result_note(r,
		    "requests: %zu-byte UDP payloads / TCP messages with a sequence number; "
		    "latency by the socket engine, one request a batch (as the paper's client), "
		    "UDP throughput by the XDP engine",
		    lg_echo_app.size);
	result_note(r,
		    "split placement: each request crosses CPUs twice (it wakes the dut's NAPI "
		    "thread, its reply the generator's): echo.wake.split.* are those wake-ups in "
		    "the same runs (from sched_waking, so the cross-CPU interrupt is in them), "
		    "and a note says when they set the latency rather than the hook; "
		    "echo.lat.split_spin.* is the same latency with an idle-class spinner "
		    "keeping the dut CPU from halting (kv's cure)");
out:
	wake_close(c.wake);
	exp_gen_close(tb, c.lgx);
	xdp_pass_detach(&peer);
	for (pl = 0; pl < PL_MAX; pl++)
		echo_tput_init(&tput[pl], true);
	return err;
}
