// SPDX-License-Identifier: GPL-2.0
/*
 * echo: UDP throughput of every variant (paper Fig. 3's peak), by the XDP load generator, in
 * interleaved repetitions so that each hook's throughput is a ratio to the socket server's
 * with a CI over paired repetitions. The generator's ceiling is the XDP echo's best placement
 * in the same run; a throughput within 1.5x of it may measure the generator (genbound!). The
 * socket engine measures the sleeping socket server too, a load both engines carry.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "exp/echo/echo_int.h"
#include "exp/gen.h"
#include "exp/side.h"
#include "lib/log.h"
#include "testbed/testbed.h"

#define GENBOUND 1.5
#define TPUT_TIMEOUT_NS 20000000ULL /* a lost request holds its place in the window this long */

void echo_tput_init(struct echo_tput *t, bool free_it)
{
	int v;

	for (v = 0; v < V_MAX; v++) {
		if (free_it)
			stats_samples_free(&t->kps[v]);
		stats_samples_init(&t->kps[v]);
	}
	if (free_it)
		stats_samples_free(&t->sock);
	stats_samples_init(&t->sock);
	if (!free_it) {
		memset(t->why, 0, sizeof(t->why));
		t->ran = false;
	}
}

/* One closed-loop run against variant v (up) from the generator's namespace: kreq/s. */
static int tput_run(struct ctx *c, enum variant v, const struct run_plan *p, struct lg_xdp *x,
		    double *kps)
{
	struct lg_opts lo;
	struct lg_result lr;
	int err;

	echo_lg_for(c, &lo, v, LG_UDP);
	exp_gen_use(&lo, x);
	lo.mode = LG_CLOSED;
	lo.outstanding = x ? OUTSTANDING_XDP : OUTSTANDING;
	lo.duration_ns = p->tput_ns;
	lo.timeout_ns = TPUT_TIMEOUT_NS;
	lo.batch = x ? 64 : 16; /* throughput: large batches */
	err = lg_run(&lo, &lr);
	if (!err)
		*kps = lr.achieved_rps / 1e3;
	lg_result_free(&lr);
	return err;
}

int echo_tput_udp(struct ctx *c, const struct run_plan *p, struct echo_tput *t)
{
	static const enum variant order[] = { V_XDP, V_TC, V_SKSKB, V_SOCK_BUSY, V_SOCK_SLEEP };
	int rep, j, err = 0;

	t->ran = true;
	for (rep = 0; rep < p->tput_reps && !err; rep++) {
		for (j = 0; j < V_MAX && !err; j++) {
			enum variant v = order[(rep + j) % V_MAX]; /* rotate the order */
			char why[160] = "";
			uint64_t replied;
			double kps = 0;

			if (t->why[v][0])
				continue; /* it could not run: it will not now */
			log_debug("echo: %s udp throughput, rep %d, %s", echo_pl_name[c->pl], rep,
				  echo_vinfo[v].key);
			err = echo_srv_up(c, v, LG_UDP, why, sizeof(why));
			if (err) {
				snprintf(t->why[v], sizeof(t->why[v]), "%s", why);
				if (!side_alive(c->x))
					return -EPIPE;
				err = 0;
				continue;
			}
			err = tb_enter(c->tb, TB_GEN);
			if (!err)
				err = tput_run(c, v, p, c->lgx, &kps);
			if (!err)
				stats_samples_add(&t->kps[v], kps);
			/* the cross-check: the socket engine on the server both carry */
			if (!err && v == V_SOCK_SLEEP && c->lgx)
				err = tput_run(c, v, p, NULL, &kps);
			if (!err && v == V_SOCK_SLEEP && c->lgx)
				stats_samples_add(&t->sock, kps);
			tb_leave(c->tb);
			replied = echo_srv_down(c);
			if (!err && (v == V_XDP || v == V_TC || v == V_SKSKB) && replied == 0)
				snprintf(t->why[v], sizeof(t->why[v]),
					 "the BPF program answered nothing: replies came from "
					 "elsewhere");
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

static double median_of(const struct stats_samples *s)
{
	struct stats_samples cp;
	struct stats_summary sum;

	samples_copy(&cp, s);
	stats_samples_summary(&cp, &sum);
	stats_samples_free(&cp);
	return s->n ? sum.p50 : 0;
}

/* v's throughput over the sleeping socket server's, per repetition (paired by index). */
static struct metric *ratio_metric(struct result *r, const char *pl, enum variant v,
				   const struct echo_tput *t, int reps)
{
	struct metric *m = result_addf(r, "x", METHOD_MODEL, "echo.tput.ratio.%s.udp.%s", pl,
				       echo_vinfo[v].key);
	const struct stats_samples *a = &t->kps[v], *b = &t->kps[V_SOCK_SLEEP];
	struct stats_samples s;
	size_t i;

	metric_label(m, "throughput, %s over the sleeping socket server (udp, %s)",
		     echo_vinfo[v].label, pl);
	stats_samples_init(&s);
	for (i = 0; i < a->n && i < b->n; i++)
		if (b->v[i] > 0)
			stats_samples_add(&s, a->v[i] / b->v[i]);
	if (s.n) {
		metric_set_samples(m, &s, (size_t)reps);
		metric_note(m, "per interleaved repetition, the same generator for both");
	} else {
		metric_unavailable(m, "%s", t->why[v][0] ? t->why[v] : t->why[V_SOCK_SLEEP]);
	}
	stats_samples_free(&s);
	return m;
}

void echo_tput_report(struct ctx *c, struct result *r, struct echo_tput t[PL_MAX], int reps)
{
	struct metric *mt[PL_MAX][V_MAX] = { { NULL } }, *g, *ms;
	double ceil = 0;
	int pl, v, at = -1;

	/* the generator's ceiling: the XDP echo, the cheapest server, at its best placement */
	for (pl = 0; pl < PL_MAX; pl++)
		if (t[pl].ran && t[pl].kps[V_XDP].n && median_of(&t[pl].kps[V_XDP]) > ceil) {
			ceil = median_of(&t[pl].kps[V_XDP]);
			at = pl;
		}
	g = result_add(r, "echo.gen.ceiling", "the generator's ceiling (the XDP echo's best)",
		       "kreq/s", METHOD_LIVE);
	if (at >= 0) {
		struct stats_samples cp;

		samples_copy(&cp, &t[at].kps[V_XDP]);
		metric_set_samples(g, &cp, (size_t)reps);
		stats_samples_free(&cp);
		metric_engine(g, lg_engine_name(c->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
		metric_note(
			g,
			"the XDP echo's UDP throughput in the %s placement, the best here: a lower "
			"bound of what the generator carries (the echo's own path is in it)",
			echo_pl_name[at]);
	} else {
		metric_unavailable(g, "the XDP echo did not run");
	}
	for (pl = 0; pl < PL_MAX; pl++) {
		if (!t[pl].ran)
			continue;
		/* the ratios first: a metric's summary sorts the samples it is given */
		for (v = 0; v < V_MAX; v++) {
			struct metric *m;

			if (v == V_SOCK_SLEEP)
				continue;
			m = ratio_metric(r, echo_pl_name[pl], (enum variant)v, &t[pl], reps);
			if (v != V_XDP && ceil > 0 && median_of(&t[pl].kps[v]) * GENBOUND >= ceil)
				m->flags |= METRIC_GENBOUND; /* a lower bound, then */
		}
		for (v = 0; v < V_MAX; v++) {
			struct metric *m =
				result_addf(r, "kreq/s", METHOD_LIVE, "echo.tput.%s.udp.%s",
					    echo_pl_name[pl], echo_vinfo[v].key);

			mt[pl][v] = m;
			metric_label(m, "throughput, %s (udp, %s)", echo_vinfo[v].label,
				     echo_pl_name[pl]);
			if (!t[pl].kps[v].n) {
				metric_unavailable(m, "%s",
						   t[pl].why[v][0] ? t[pl].why[v] : "not measured");
				continue;
			}
			metric_set_samples(m, &t[pl].kps[v], (size_t)reps);
			metric_engine(m, lg_engine_name(c->lgx ? LG_ENGINE_XDP : LG_ENGINE_SOCKET));
			metric_note(
				m, "closed loop, %d requests in flight, %d interleaved repetitions",
				c->lgx ? OUTSTANDING_XDP : OUTSTANDING, reps);
			if (pl == at && v == V_XDP)
				metric_note(
					m,
					"the generator's ceiling: the cheapest server there is, so "
					"it may be the generator's limit or its own path's");
			else if (ceil > 0 && m->s.p50 * GENBOUND >= ceil) {
				m->flags |= METRIC_GENBOUND;
				metric_note(
					m,
					"%.0f kreq/s is within %.1fx of the generator's ceiling "
					"(%.0f kreq/s, the XDP echo's best): it may measure the "
					"generator",
					m->s.p50, GENBOUND, ceil);
			}
		}
		if (t[pl].sock.n) {
			ms = result_addf(r, "kreq/s", METHOD_LIVE,
					 "echo.tput.%s.udp.socket_sleep.socket", echo_pl_name[pl]);
			metric_label(ms,
				     "throughput, sleeping socket server (udp, %s), socket "
				     "engine (cross-check)",
				     echo_pl_name[pl]);
			metric_set_samples(ms, &t[pl].sock, (size_t)reps);
			metric_engine(ms, "socket");
			exp_gen_xcheck(r, mt[pl][V_SOCK_SLEEP], ms);
		}
	}
}
