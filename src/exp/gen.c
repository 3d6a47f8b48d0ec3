// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "exp/gen.h"
#include "lib/attach.h"
#include "lib/log.h"
#include "lib/floor.h"
#include "testbed/testbed.h"

static struct lg_xdp *gen_open(const struct tb *tb, unsigned int max_keys, unsigned int max_raw,
			       char *why, size_t len)
{
	struct lg_xdp_dev d = { .ifname = tb->gen.ifname,
				/* two hosts: the server's MAC from the neighbour table */
				.dst_mac = tb->two_hosts ? NULL : tb->dut.mac,
				.napi_cpu = -1, /* the experiment places the NAPI threads */
				.max_keys = max_keys,
				.max_raw = max_raw };
	struct lg_xdp *x = NULL;
	int err;

	if (tb->two_hosts && !dev_is_veth(tb->gen.ifname))
		fprintf(stderr,
			"offloadlab: here: attach the XDP load generator's receive program to %s "
			"(native XDP) for the run\n",
			tb->gen.ifname);
	err = tb_enter(tb, TB_GEN);
	if (!err)
		err = lg_xdp_open(&d, &x, why, len);
	/* a NIC's XDP transmit does not depend on its peer: known now */
	if (!err && tb->two_hosts && !dev_is_veth(tb->gen.ifname))
		err = lg_xdp_can_xmit(x, why, len);
	tb_leave(tb);
	if (err) {
		lg_xdp_close(x);
		if (!why[0])
			snprintf(why, len, "%s", strerror(-err));
		return NULL;
	}
	return x;
}

struct lg_xdp *exp_gen_open(const struct tb *tb, unsigned int max_keys, char *why, size_t len)
{
	return gen_open(tb, max_keys, 0, why, len);
}

struct lg_xdp *exp_gen_open_raw(const struct tb *tb, unsigned int max_raw, char *why, size_t len)
{
	return gen_open(tb, 1, max_raw, why, len);
}

void exp_gen_close(const struct tb *tb, struct lg_xdp *x)
{
	if (!x)
		return;
	if (tb_enter(tb, TB_GEN) == 0) {
		lg_xdp_close(x);
		tb_leave(tb);
	} else {
		lg_xdp_close(x);
	}
}

void exp_gen_use(struct lg_opts *lo, struct lg_xdp *x)
{
	lo->engine = x ? LG_ENGINE_XDP : LG_ENGINE_SOCKET;
	lo->xdp = x;
}

void exp_gen_note(struct result *r, const struct lg_xdp *x, const char *why)
{
	if (x)
		result_note(r,
			    "load generator: the XDP engine on %s (each request built by an XDP "
			    "program that BPF_PROG_RUN runs in live-frames mode, 64 frames a batch "
			    "for throughput, replies matched and timed by XDP on that device); "
			    "throughputs say which engine measured them",
			    lg_xdp_ifname(x));
	else
		result_note(r,
			    "load generator: the socket engine (one thread, sendmmsg/recvmmsg): "
			    "the XDP engine could not run here: %s",
			    why && why[0] ? why : "not tried");
}

void exp_gen_xcheck(struct result *r, struct metric *xdp, const struct metric *sock)
{
	double a, b, change;
	bool apart;

	if (!xdp || !sock || xdp->unavailable[0] || sock->unavailable[0])
		return;
	a = sock->s.p50;
	b = xdp->s.p50;
	change = a != 0 ? (b - a) / fabs(a) * 100 : NAN;
	apart = isfinite(sock->s.ci_hi) && isfinite(xdp->s.ci_hi) &&
		(xdp->s.ci_lo > sock->s.ci_hi || sock->s.ci_lo > xdp->s.ci_hi);
	/* a latency by the socket engine has the generator's own socket path in it, both ways */
	const char *why = !strcmp(xdp->unit, "ns") ? ": the socket engine's latency includes the "
						     "generator's own send and receive (two system "
						     "calls, the UDP stack both ways)"
						   : "";

	if (apart && isfinite(change) && fabs(change) > CMP_FLOOR_LIVE) {
		snprintf(xdp->note + strlen(xdp->note), sizeof(xdp->note) - strlen(xdp->note),
			 "%sthe socket engine measured %.4g %s on the same load (%+.0f %%, beyond "
			 "the live floor of %.0f %%)",
			 xdp->note[0] ? "; " : "", a, sock->unit, change, CMP_FLOOR_LIVE);
		result_note(r,
			    "engines disagree: %s %.4g %s by the XDP engine, %.4g by the socket "
			    "engine (%+.0f %%, CIs apart, beyond the live floor of %.0f %%)%s",
			    xdp->id, b, xdp->unit, a, change, CMP_FLOOR_LIVE, why);
	} else {
		result_note(
			r,
			"engines agree: %s %.4g %s by the XDP engine, %.4g by the socket "
			"engine (%+.0f %%; within the live floor of %.0f %% or CIs overlapping)",
			xdp->id, b, xdp->unit, a, change, CMP_FLOOR_LIVE);
	}
}
