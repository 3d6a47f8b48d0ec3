// SPDX-License-Identifier: GPL-2.0
/*
 * try's measurement, kv's method for any server: the server up on the dut's end, then
 * interleaved phases without and with the offload (the order rotated each repetition), each
 * preloaded, a closed-loop throughput run with the dut CPU's busy share, the programs' bpf-stats
 * and the server's received datagrams around it; the generator's ceiling (the XDP echo on the
 * same path); each class's latency at each load in open loop. UDP is sent by the XDP load
 * generator where it can run (kv's choice), the socket engine beside it as the cross-check.
 * try_verdict.c judges.
 */
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exp/gen.h"
#include "exp/side.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "try/try_gen.h"
#include "try/try_measure.h"
#include "try/try_server.h"

/* One request to the side; NULL with m->why set (and the run's error) when it fails. */
static json_t *call(struct tm *m, json_t *req)
{
	json_t *a = side_call(m->x, req, m->why, sizeof(m->why));

	return a;
}

static int alive(void *arg, char *why, size_t whylen)
{
	struct tm *m = arg;
	json_t *a = side_call(m->x, json_pack("{s:s}", "op", "try_alive"), why, whylen);

	json_decref(a);
	return a ? 0 : -ECHILD;
}

/* The phase's offload on: with (the user's), without (XDP_PASS only) or the ceiling's echo. */
static int phase_on(struct tm *m, enum tm_phase ph)
{
	const struct try_opts *o = m->o;
	json_t *req = json_pack("{s:s}", "op", "try_on"), *a, *p;
	size_t i;

	if (ph == PH_WITH) {
		json_object_set_new(req, "kind", json_string(try_kind_name[o->kind]));
		if (o->kind == TK_CMD)
			json_object_set(req, "argv", m->attach_argv);
		else
			json_object_set_new(req, "obj", json_string(o->obj)),
				json_object_set_new(req, "prog", json_string(o->prog));
	} else {
		json_object_set_new(req, "kind", json_string(ph == PH_CEIL ? "ceiling" : "none"));
	}
	a = call(m, req);
	if (!a)
		return -EIO;
	if (ph == PH_WITH && !m->nprogs) {
		json_array_foreach(json_object_get(a, "progs"), i, p)
		{
			struct try_prog *t = &m->progs[m->nprogs];
			int64_t id;

			if (m->nprogs >= TRY_PROGS_MAX ||
			    !jb_int_in(json_object_get(p, "id"), 1, UINT32_MAX, &id))
				continue;
			t->id = (uint32_t)id;
			snprintf(t->name, sizeof(t->name), "%s",
				 json_string_value(json_object_get(p, "name")) ?: "?");
			snprintf(t->tag, sizeof(t->tag), "%s",
				 json_string_value(json_object_get(p, "tag")) ?: "");
			snprintf(t->hook, sizeof(t->hook), "%s",
				 json_string_value(json_object_get(p, "hook")) ?: "");
			m->nprogs++;
		}
	}
	json_decref(a);
	return 0;
}

static int phase_off(struct tm *m)
{
	json_t *req = json_pack("{s:s}", "op", "try_off"), *a, *l;
	size_t i;

	a = call(m, req);
	if (!a)
		return -EIO;
	if (!json_is_true(json_object_get(a, "detach_ok")) && !m->detach_said) {
		const char *t = json_string_value(json_object_get(a, "detach_error"));

		log_warn("try: the --detach command failed: %s", t ? t : "?");
		result_note(m->x->r, "the --detach command failed: %s", t ? t : "?");
		m->detach_said = true;
	}
	json_array_foreach(json_object_get(a, "left"), i, l)
	{
		const char *n = json_string_value(json_object_get(l, "name"));
		const char *h = json_string_value(json_object_get(l, "hook"));
		bool rm = json_is_true(json_object_get(l, "removed"));

		m->left++;
		log_warn("try: the --detach command left %s on %s: %s", n ? n : "?", h ? h : "?",
			 rm ? "removed by offloadlab" : "offloadlab could not remove it");
		result_note(m->x->r, "the --detach command left the program %s on %s (%s)",
			    n ? n : "?", h ? h : "?",
			    rm ? "removed by offloadlab" : "NOT removed: remove it by hand");
	}
	json_decref(a);
	return 0;
}

/* The side's counters now: programs' run time and count, dut CPU ticks, datagrams received. */
static int counters(struct tm *m, struct tm_counters *c)
{
	json_t *a = call(m, json_pack("{s:s}", "op", "try_stats")), *p;
	struct jb b = { .what = "try_stats" };
	size_t i;

	memset(c, 0, sizeof(*c));
	if (!a)
		return -EIO;
	json_array_foreach(json_object_get(a, "progs"), i, p)
	{
		if (i >= TRY_PROGS_MAX)
			break;
		c->ns[i] = jb_key_count(&b, p, "ns");
		c->cnt[i] = jb_key_count(&b, p, "cnt");
	}
	c->busy = jb_key_count(&b, a, "busy");
	c->total = jb_key_count(&b, a, "total");
	c->udp_in = jb_key_count(&b, a, "udp_in");
	c->have_udp = json_object_get(a, "udp_in") != NULL;
	json_decref(a);
	return 0;
}

static int after_connect(void *arg, int fd)
{
	struct tm *m = arg;
	json_t *a;

	struct sockaddr_in me;
	socklen_t ml = sizeof(me);

	if (getsockname(fd, (struct sockaddr *)&me, &ml))
		return -errno;
	/* the side enters the dut's namespace and leaves to the host's: back to the generator's */
	a = call(m, json_pack("{s:s, s:i}", "op", "try_sockets", "peer_port", ntohs(me.sin_port)));
	tb_enter(m->x->tb, TB_GEN);
	json_decref(a);
	return a ? 0 : -EIO;
}

/*
 * One generator run of codec c from the generator's namespace: the XDP engine when it is open
 * (sock: the socket engine all the same, the cross-check); mix: each reply's latency in its
 * class (res->lat_cls).
 */
static int gen_run(struct tm *m, struct try_codec *c, enum lg_mode mode, double rate,
		   uint64_t dur_ns, bool sock, bool mix, struct lg_result *res)
{
	bool xdp = m->lgx && !sock;
	struct sockaddr_in *dst;
	struct lg_opts lo;
	int err;

	lg_opts_default(&lo);
	lo.l4 = m->o->tcp ? LG_TCP : LG_UDP;
	dst = (struct sockaddr_in *)&lo.dst;
	dst->sin_family = AF_INET;
	dst->sin_port = htons(m->o->port);
	dst->sin_addr.s_addr = m->x->tb->dut.addr;
	lo.dstlen = sizeof(*dst);
	lo.mode = mode;
	lo.rate = rate;
	/*
	 * replies carry no id: TCP keeps one request in flight, the socket engine relies on
	 * order for UDP, the XDP engine on the port each request goes out from
	 */
	lo.outstanding = tm_window(m, xdp, m->phase);
	/* throughput: large batches (live frames, or sendmmsg); latency: small ones */
	lo.batch = mode == LG_CLOSED ? (xdp ? 64 : 32) : 8;
	lo.duration_ns = dur_ns;
	lo.warmup_ns = dur_ns / 10;
	lo.timeout_ns = 50000000ULL;
	lo.cpu = m->x->tb->gen_cpu;
	lo.app = mix ? &c->mix : &c->app;
	exp_gen_use(&lo, xdp ? m->lgx : NULL);
	if (m->o->kind == TK_SK_SKB && m->phase == PH_WITH) {
		lo.after_connect = after_connect;
		lo.after_connect_arg = m;
	}
	err = tb_enter(m->x->tb, TB_GEN);
	if (!err)
		err = lg_run(&lo, res);
	tb_leave(m->x->tb);
	return err;
}

/* The phase's preload (when there is one), said once if the server does not answer it. */
static void preload(struct tm *m)
{
	uint64_t ans, sent;

	if (!m->t->pre || !m->t->pre->n)
		return;
	if (!try_preload(m->x->tb, m->t->pre, m->o->port,
			 m->o->preload_tcp_set ? m->o->preload_tcp : m->o->tcp, &ans, &sent) &&
	    ans < sent && !m->preload_said) {
		result_note(m->x->r, "the preload: %llu of %llu requests answered",
			    (unsigned long long)ans, (unsigned long long)sent);
		m->preload_said = true;
	}
}

/* A phase's start: its offload on (phase_on), then the preload. */
static int phase_begin(struct tm *m, enum tm_phase ph)
{
	int err;

	m->phase = ph;
	err = phase_on(m, ph);
	if (!err)
		preload(m);
	return err;
}

/* A phase's end after err: the server checked alive (when all went well), the offload off. */
static int phase_end(struct tm *m, int err)
{
	if (!err)
		err = alive(m, m->why, sizeof(m->why));
	if (phase_off(m) && !err)
		err = -EIO;
	return err;
}

/* The socket engine right after the XDP engine's run without the offload (the cross-check). */
static int xcheck_tput(struct tm *m)
{
	struct lg_result res = { 0 };
	int err = gen_run(m, &m->all, LG_CLOSED, 0, m->dur_ns, true, false, &res);

	if (!err && res.received)
		stats_samples_add(&m->kps_sock, res.achieved_rps / 1e3);
	lg_result_free(&res);
	return err;
}

/* One phase's closed-loop throughput run with its counters. */
static int tput_phase(struct tm *m, enum tm_phase ph, double *kps)
{
	struct tm_counters c0, c1;
	struct lg_result res = { 0 };
	int err, i;

	err = phase_begin(m, ph);
	if (err)
		return err;
	err = counters(m, &c0);
	if (!err)
		err = gen_run(m, &m->all, LG_CLOSED, 0, m->dur_ns, false, false, &res);
	if (!err)
		err = counters(m, &c1);
	if (!err && m->lgx && ph == PH_WITHOUT)
		err = xcheck_tput(m);
	if (!err && !res.received) {
		snprintf(m->why, sizeof(m->why),
			 "no reply to any of %llu requests %s the offload: is the server (or the "
			 "offload) answering the workload on %s port %u?",
			 (unsigned long long)res.sent, ph == PH_WITH ? "with" : "without",
			 m->o->tcp ? "TCP" : "UDP", m->o->port);
		err = -EIO;
	}
	if (!err) {
		*kps = res.achieved_rps / 1e3;
		if (ph != PH_CEIL) {
			stats_samples_add(&m->busy[ph],
					  c1.total > c0.total
						  ? 100.0 * (double)(c1.busy - c0.busy) /
							    (double)(c1.total - c0.total)
						  : NAN);
			if (c1.have_udp && res.sent)
				stats_samples_add(&m->seen[ph],
						  100.0 * (double)(c1.udp_in - c0.udp_in) /
							  (double)res.sent);
			m->sent[ph] += res.sent;
		}
		for (i = 0; ph == PH_WITH && i < m->nprogs; i++)
			if (c1.cnt[i] > c0.cnt[i] && res.sent) {
				/* per request sent: a program may run on replies too */
				stats_samples_add(&m->cost[i],
						  (double)(c1.ns[i] - c0.ns[i]) / (double)res.sent);
				stats_samples_add(&m->cost_run[i],
						  (double)(c1.ns[i] - c0.ns[i]) /
							  (double)(c1.cnt[i] - c0.cnt[i]));
			}
	}
	lg_result_free(&res);
	return phase_end(m, err);
}

/*
 * Whether the latency runs send the workload's mix and time each reply in its class (as kv
 * times its uncacheable flow among the hits): where a reply is matched to its own request,
 * by the XDP engine's port or a TCP stream's order. The socket engine over UDP matches
 * replies in order, which classes answered at different speeds would mix up: there each
 * class is sent alone, at the same rate.
 */
unsigned int tm_window(const struct tm *m, bool xdp, enum tm_phase ph)
{
	if (m->o->tcp)
		return 1;
	if (!xdp)
		return TRY_OUTSTANDING;
	return ph == PH_CEIL   ? TRY_OUTSTANDING_CEIL
	       : ph == PH_WITH ? (m->win_with ? m->win_with : TRY_OUTSTANDING_XDP)
			       : TRY_OUTSTANDING_XDP;
}

bool tm_lat_mixed(const struct tm *m)
{
	return m->o->tcp || m->lgx;
}

/* The run's figures into the load's histograms, and class k's median into m->rep_p50. */
static void lat_take(struct tm *m, unsigned int k, enum tm_phase ph, unsigned int li,
		     const struct stats_hist *h)
{
	if (!h || !h->n)
		return;
	stats_hist_merge(&m->lat[k][ph][li], h);
	m->rep_p50[k][ph] = stats_hist_quantile(h, 0.5);
}

/*
 * One phase's open-loop latency runs at rate: the mix, each class timed apart, or each class
 * alone (tm_lat_mixed); the socket engine's cross-check, each class alone, at the first load's
 * first repetition.
 */
static int lat_phase(struct tm *m, enum tm_phase ph, unsigned int li, int rep, double rate)
{
	unsigned int k;
	int err;

	err = phase_begin(m, ph);
	if (err)
		return err;
	if (tm_lat_mixed(m)) {
		struct lg_result res = { 0 };

		err = gen_run(m, &m->all, LG_POISSON, rate, m->lat_ns, false, true, &res);
		if (!err) {
			m->lat_sent += res.sent;
			m->lat_lost += res.lost;
		}
		for (k = 0; !err && k < res.nclasses && k < m->t->wl->ncls; k++)
			if (m->cls[k].n)
				lat_take(m, k, ph, li, &res.lat_cls[k]);
		lg_result_free(&res);
	}
	for (k = 0; k < m->t->wl->ncls && !err && !tm_lat_mixed(m); k++) {
		struct lg_result res = { 0 };

		if (!m->cls[k].n)
			continue;
		err = gen_run(m, &m->cls[k], LG_POISSON, rate, m->lat_ns, false, false, &res);
		if (!err) {
			lat_take(m, k, ph, li, res.lat);
			m->lat_sent += res.sent;
			m->lat_lost += res.lost;
		}
		lg_result_free(&res);
	}
	/* the penalty's load by the socket engine too (the cross-check) */
	for (k = 0; k < m->t->wl->ncls && !err && m->lgx && li == 0 && rep == 0; k++) {
		struct lg_result res = { 0 };

		if (!m->cls[k].n)
			continue;
		err = gen_run(m, &m->cls[k], LG_POISSON, rate, m->lat_ns, true, false, &res);
		if (!err && res.lat)
			stats_hist_merge(&m->lat_sock[k][ph], res.lat);
		lg_result_free(&res);
	}
	return phase_end(m, err);
}

/*
 * The XDP engine's window with the offload, by kv's rule: TRY_OUTSTANDING_CEIL where the
 * offload answers everything (the server saw under 1 % of a short probe's requests, as kv
 * keeps 128 for the cache at 100 % hits), TRY_OUTSTANDING_XDP where the server answers any
 * share. Without the server's datagram count it stays at the latter.
 */
static int probe_window(struct tm *m)
{
	struct tm_counters c0, c1;
	struct lg_result res = { 0 };
	int err;

	err = phase_begin(m, PH_WITH);
	if (err)
		return err;
	err = counters(m, &c0);
	if (!err)
		err = gen_run(m, &m->all, LG_CLOSED, 0, TRY_PROBE_NS, false, false, &res);
	if (!err)
		err = counters(m, &c1);
	if (!err && c1.have_udp && res.sent >= 100 &&
	    (double)(c1.udp_in - c0.udp_in) < 0.01 * (double)res.sent)
		m->win_with = TRY_OUTSTANDING_CEIL;
	lg_result_free(&res);
	return phase_end(m, err);
}

static int measure(struct tm *m)
{
	double kps, cap;
	unsigned int li;
	int rep, j, err = 0;

	m->win_with = TRY_OUTSTANDING_XDP;
	if (m->lgx)
		err = probe_window(m);

	for (rep = 0; rep < m->reps && !err; rep++)
		for (j = 0; j < 2 && !err; j++) {
			enum tm_phase ph = (enum tm_phase)((rep + j) % 2); /* the order rotates */

			log_debug("try: repetition %d, %s the offload", rep,
				  ph == PH_WITH ? "with" : "without");
			err = tput_phase(m, ph, &kps);
			if (!err)
				stats_samples_add(&m->kps[ph], kps);
		}
	/* the generator's ceiling: the XDP echo answering the same requests on the same path */
	for (rep = 0; rep < 2 && !err && !m->o->tcp; rep++) {
		err = tput_phase(m, PH_CEIL, &kps);
		if (!err)
			stats_samples_add(&m->ceil, kps);
	}
	if (err || !m->kps[PH_WITHOUT].n)
		return err;
	cap = tm_median(&m->kps[PH_WITHOUT]) * 1e3;
	for (li = 0; li < m->o->nloads && !err; li++) {
		double rate = m->o->rate > 0 ? m->o->rate : cap * m->o->loads[li] / 100.0;

		if (rate > m->top_rate)
			m->top_rate = rate;
		/* the first load, the penalty's, in interleaved repetitions as the throughput */
		for (rep = 0; rep < (li == 0 ? m->reps : 1) && !err; rep++) {
			unsigned int k;

			for (k = 0; k < WL_CLASSES_MAX; k++)
				m->rep_p50[k][0] = m->rep_p50[k][1] = NAN;
			for (j = 0; j < 2 && !err; j++)
				err = lat_phase(m, (enum tm_phase)((li + rep + j) % 2), li, rep,
						rate);
			for (k = 0; k < m->t->wl->ncls && !err && li == 0; k++)
				if (m->rep_p50[k][0] > 0 && m->rep_p50[k][1] > 0)
					stats_samples_add(
						&m->pen[k],
						100.0 * (m->rep_p50[k][1] / m->rep_p50[k][0] - 1));
		}
	}
	return err;
}

double tm_median(const struct stats_samples *s)
{
	struct stats_samples c;
	struct stats_summary sum;
	size_t i;

	if (!s->n)
		return NAN;
	stats_samples_init(&c);
	for (i = 0; i < s->n; i++)
		stats_samples_add(&c, s->v[i]);
	stats_samples_summary(&c, &sum);
	stats_samples_free(&c);
	return sum.p50;
}

static json_t *argv_json(const struct try_argv *a)
{
	json_t *j = json_array();
	int i;

	for (i = 0; j && i < a->argc; i++)
		json_array_append_new(j, json_string(a->argv[i]));
	return j;
}

/*
 * The load generator: the XDP engine on the generator's end for UDP where it can run (its
 * receive program is also the XDP program a veth needs to receive XDP_TX replies), else the
 * socket engine and an XDP_PASS there; the generator's NAPI in a thread on its CPU for the
 * paper placement, as kv does, so that no reply is handled on the server's CPU.
 */
static int engine_open(struct tm *m)
{
	const struct tb *tb = m->x->tb;
	int err = 0;

	if (m->o->tcp)
		snprintf(m->gen_why, sizeof(m->gen_why), "TCP: the XDP engine sends UDP only");
	else if (m->o->engine == TE_SOCKET)
		snprintf(m->gen_why, sizeof(m->gen_why), "--engine socket");
	else if (!tb_enter(tb, TB_GEN)) {
		err = lg_xdp_raw_fits(&m->all.raw, tb->gen.ifname, m->gen_why, sizeof(m->gen_why));
		tb_leave(tb);
		if (!err)
			m->lgx = exp_gen_open_raw(tb, (unsigned int)m->t->wl->n, m->gen_why,
						  sizeof(m->gen_why));
		err = 0;
	}
	if (!m->lgx && m->o->engine == TE_XDP) {
		snprintf(m->why, sizeof(m->why),
			 "--engine xdp: the XDP load generator cannot run here: %s", m->gen_why);
		return -EOPNOTSUPP;
	}
	if (!m->lgx && (!m->x->remote || dev_is_veth(tb->gen.ifname))) {
		/* XDP_TX replies reach the generator's veth only if it runs XDP too */
		err = tb_enter(tb, TB_GEN);
		if (!err)
			err = xdp_pass_attach(tb->gen.ifname, &m->peer);
		tb_leave(tb);
		if (err) {
			snprintf(m->why, sizeof(m->why), "put XDP_PASS on the generator's veth");
			return err;
		}
	}
	if (m->o->placement == TP_PAPER && (!m->x->remote || dev_is_veth(tb->gen.ifname)) &&
	    tb_napi_pin(tb, TB_GEN, tb->gen_cpu, true) <= 0)
		log_warn("try: the generator's veth stays in softirq (no NAPI thread)");
	return 0;
}

/* The user's commands with the testbed's values in place; -EINVAL with m->why. */
static int commands(struct tm *m, json_t **server)
{
	struct try_subst s = { m->x->tb->dut.ip, m->x->tb->dut.ifname, m->o->port };
	struct try_argv *a = malloc(sizeof(*a));
	char line[600];
	int err;

	if (!a)
		return -ENOMEM;
	err = try_split(m->o->server, &s, a, m->why, sizeof(m->why));
	if (!err) {
		*server = argv_json(a);
		try_argv_line(a, line, sizeof(line));
		json_object_set_new(m->t->section, "server", json_string(line));
	}
	if (!err && m->o->kind == TK_CMD) {
		err = try_split(m->o->attach, &s, a, m->why, sizeof(m->why));
		if (!err) {
			m->attach_argv = argv_json(a);
			try_argv_line(a, line, sizeof(line));
			json_object_set_new(m->t->section, "attach", json_string(line));
		}
		if (!err && m->o->detach) {
			err = try_split(m->o->detach, &s, a, m->why, sizeof(m->why));
			if (!err) {
				m->detach_argv = argv_json(a);
				try_argv_line(a, line, sizeof(line));
				json_object_set_new(m->t->section, "detach", json_string(line));
			}
		}
	}
	free(a);
	return err;
}

int try_measure(struct exp_ctx *x)
{
	struct tm *m = calloc(1, sizeof(*m));
	json_t *server = NULL, *a;
	int err, stats_fd = -1;
	unsigned int k;

	if (!m)
		return -ENOMEM;
	m->x = x;
	m->t = try_current;
	m->o = m->t->o;
	m->reps = x->o->quick ? 3 : m->o->samples ? (int)m->o->samples : 7;
	m->dur_ns = m->o->duration_ns ? m->o->duration_ns
		    : x->o->quick     ? 1000000000ULL
				      : 2000000000ULL;
	m->lat_ns = m->dur_ns; /* an open-loop run as long as a closed-loop one */
	tm_init(m);
	if (!m->o->tcp)
		m->raw = try_raw_reqs(m->t->wl);
	err = wl_pick_table(m->t->wl, &m->pick);
	if (!err && !m->o->tcp && !m->raw)
		err = -ENOMEM;
	if (!err)
		err = try_codec_init(&m->all, m->t->wl, m->pick, -1, m->raw);
	for (k = 0; !err && k < m->t->wl->ncls; k++)
		if (try_codec_init(&m->cls[k], m->t->wl, m->pick, (int)k, m->raw) == -ENOMEM)
			err = -ENOMEM;
	if (!err)
		err = commands(m, &server);
	if (!err) {
		stats_fd = bpfu_stats_enable();
		if (stats_fd < 0)
			result_note(x->r, "bpf-stats could not be enabled: no program cost");
		err = engine_open(m);
	}
	if (!err) {
		json_t *req = json_pack("{s:s, s:O, s:i, s:b, s:b}", "op", "try_up", "argv", server,
					"port", (int)m->o->port, "tcp", m->o->tcp, "paper",
					m->o->placement == TP_PAPER);

		fprintf(stderr, "offloadlab try: starting the server: %s\n",
			json_string_value(json_object_get(m->t->section, "server")));
		if (req && m->detach_argv)
			json_object_set(req, "detach", m->detach_argv);
		if (req && m->o->pin)
			json_object_set_new(req, "pin", json_string(m->o->pin));
		a = call(m, req);
		err = a ? 0 : -EIO;
		json_decref(a);
	}
	if (!err && m->o->ready)
		err = try_ready(x->tb, m->t->wl, m->o->port, m->o->tcp, alive, m, m->why,
				sizeof(m->why));
	if (!err)
		err = measure(m);
	if (!err || m->kps[PH_WITH].n)
		tm_report(m);
	if (err && m->why[0]) {
		/* the whole of it here (a verifier's log is longer than results.json's error) */
		fprintf(stderr, "offloadlab try: %s\n", m->why);
		snprintf(x->r->error, sizeof(x->r->error), "%.*s", (int)sizeof(x->r->error) - 1,
			 m->why);
		m->t->said = true;
	}
	side_end(x); /* the server stopped, every program off, before the verdict is said */
	exp_gen_close(x->tb, m->lgx);
	m->lgx = NULL;
	tb_enter(x->tb, TB_GEN);
	xdp_pass_detach(&m->peer);
	tb_leave(x->tb);
	if (stats_fd >= 0)
		close(stats_fd);
	json_decref(server);
	tm_free(m);
	return err;
}
