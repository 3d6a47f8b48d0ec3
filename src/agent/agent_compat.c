// SPDX-License-Identifier: GPL-2.0
/*
 * TRANSITIONAL (issue 25, phase 2 removes this file): the server sides of echo, preproc,
 * isolation and kv, which do not declare their struct exp_side yet, wrapped here as sides so
 * that the agent serves them like the others (through side_serve(), found by prefix). Phase 2
 * moves each into its experiment's folder (its .side), and with it these includes.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "agent/agent_int.h"
#include "exp/echo/echo_exp.h"
#include "exp/isolation/isolation_exp.h"
#include "exp/kv/kv.h"
#include "exp/preproc/preproc_exp.h"
#include "exp/side.h"
#include "kvcache/kvcache.h"
#include "lib/attach.h"
#include "lib/fdwait.h"
#include "testbed/testbed.h"

/* ---- echo ---- */

static json_t *echo_up(const struct side_env *env, json_t *req, void **state, char *why,
		       size_t whylen)
{
	const char *variant = json_string_value(json_object_get(req, "variant"));
	const char *l4 = json_string_value(json_object_get(req, "l4"));
	const char *peer = json_string_value(json_object_get(req, "peer"));
	bool split = json_is_true(json_object_get(req, "split"));
	const char *dev = env->tb->dut.ifname;
	struct echo_side *s = NULL;
	int err;

	if (!variant || !l4 || !peer) {
		snprintf(why, whylen, "echo_up needs variant, l4 and peer");
		return NULL;
	}
	side_announce(env,
		      "attach the echo %s (%s) to %s: an XDP program (the echo or XDP_PASS)%s%s",
		      variant, l4, dev, !strcmp(variant, "tc") ? ", a TC ingress filter" : "",
		      split ? ", threaded NAPI pinned to one CPU" : "");
	err = echo_side_up(dev, peer, variant, l4, split, &s, why, whylen);
	if (err) {
		if (!why[0])
			snprintf(why, whylen, "%s", strerror(-err));
		return NULL;
	}
	*state = s;
	return json_object();
}

static json_t *echo_op(const struct side_env *env, void *state, const char *op, json_t *req,
		       char *why, size_t whylen)
{
	char w[160];
	int err = echo_side_accept(state);

	(void)env;
	(void)op;
	(void)req;
	if (err == -ENOTCONN)
		snprintf(why, whylen, "no TCP SK_SKB echo variant is up (echo_up first)");
	else if (err)
		snprintf(why, whylen, "take the connection into the sockmap: %s",
			 fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, w, sizeof(w)));
	return err ? NULL : json_object();
}

static json_t *echo_down(const struct side_env *env, void *state)
{
	(void)env;
	return json_pack("{s:I}", "replied", (json_int_t)echo_side_down(state));
}

static const struct side_op echo_ops[] = {
	{ "echo_up", SIDE_UP,
	  "`variant` (xdp, tc, skskb, socket_busy, socket_sleep), `l4` (udp, tcp), `peer` (the "
	  "generator's IPv4), `split`",
	  "",
	  "the echo experiment's server side for one variant on the device: the echo or XDP_PASS "
	  "program, the TC filter, the sk_skb verdict and its sockets, or the socket server; with "
	  "`split` the device's NAPI as a thread pinned to one CPU",
	  false },
	{ "echo_accept", SIDE_OP, "", "",
	  "TCP SK_SKB: takes the generator's new connection into the sockmap (the last one leaves "
	  "it); waits for it at most 10 s",
	  false },
	{ "echo_down", SIDE_DOWN, "", "`replied`",
	  "removes the variant; the replies its BPF programs sent", false },
	{ 0 },
};

static const struct side_leave echo_leaves[] = {
	{ "the echo TC filter", false, ECHO_TC_HANDLE, ECHO_TC_PRIORITY, false },
	{ 0 },
};

static const struct exp_side echo_side = {
	"echo_", echo_ops, echo_leaves, echo_up, echo_op, echo_down,
};

/* ---- preproc ---- */

static json_t *pp_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	struct pp_side *p = NULL;

	(void)req;
	side_announce(env,
		      "preproc: an XDP program truncating UDP datagrams to port 9009 on %s, "
		      "threaded NAPI on one CPU, a UDP sink",
		      env->tb->dut.ifname);
	if (preproc_side_up(env->tb->dut.ifname, &p, why, whylen))
		return NULL;
	*state = p;
	return json_object();
}

static json_t *pp_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	uint64_t ns, pkts;

	(void)env;
	if (!strcmp(op, "pp_cut")) {
		json_int_t pct = json_integer_value(json_object_get(req, "pct"));

		if (pct < 0 || pct > 100) {
			snprintf(why, whylen, "pp_cut takes pct 0..100");
			return NULL;
		}
		preproc_side_cut(state, (unsigned int)pct);
		return json_object();
	}
	pkts = preproc_side_pkts(state, &ns);
	return json_pack("{s:I, s:I}", "pkts", (json_int_t)pkts, "ns", (json_int_t)ns);
}

static json_t *pp_down(const struct side_env *env, void *state)
{
	(void)env;
	preproc_side_down(state);
	return NULL;
}

static const struct side_op pp_ops[] = {
	{ "pp_up", SIDE_UP, "", "",
	  "preproc's server side: the truncating XDP program on the device, its NAPI as a thread "
	  "on one CPU, a UDP sink on port 9009",
	  false },
	{ "pp_cut", SIDE_OP, "`pct` (0..100)", "", "the share of each payload the program cuts",
	  false },
	{ "pp_pkts", SIDE_OP, "", "`pkts`, `ns`",
	  "the datagrams the sink received so far, and the time on this host's clock", false },
	{ "pp_down", SIDE_DOWN, "", "", "removes the program and the sink", false },
	{ 0 },
};

static const struct exp_side pp_side = {
	"pp_", pp_ops, NULL, pp_up, pp_op, pp_down,
};

/* ---- isolation ---- */

static json_t *iso_up(const struct side_env *env, json_t *req, void **state, char *why,
		      size_t whylen)
{
	struct iso_agent *i = NULL;

	(void)req;
	side_announce(env,
		      "isolation: a UDP echo server on port 7100 and a neighbour's XDP program "
		      "(port 9100) on %s, threaded NAPI on one CPU",
		      env->tb->dut.ifname);
	if (isolation_side_up(env->tb->dut.ifname, &i, why, whylen))
		return NULL;
	*state = i;
	return json_object();
}

static json_t *iso_op(const struct side_env *env, void *state, const char *op, json_t *req,
		      char *why, size_t whylen)
{
	if (!strcmp(op, "iso_kvc_up")) {
		char others[200];

		side_announce(
			env,
			"isolation: the XDP neighbour off %s; memcached (1 worker, 64 MB) on "
			"its address, port 11211, and the kvcache (XDP and a TC egress filter) "
			"on it and on every other interface of this host: %s",
			env->tb->dut.ifname,
			dev_others(env->tb->dut.ifname, others, sizeof(others)));
		return isolation_side_kvc_up(state, why, whylen) ? NULL : json_object();
	}
	if (!strcmp(op, "iso_kvc_hits"))
		return json_pack("{s:I}", "hits", (json_int_t)isolation_side_kvc_hits(state));
	if (!strcmp(op, "iso_iters")) {
		json_int_t it = json_integer_value(json_object_get(req, "iters"));

		if (it < 0 || it > 100000) {
			snprintf(why, whylen, "iso_iters takes iters 0..100000");
			return NULL;
		}
		isolation_side_iters(state, (unsigned int)it);
		return json_object();
	}
	return json_pack("{s:I}", "pkts", (json_int_t)isolation_side_pkts(state));
}

static json_t *iso_down(const struct side_env *env, void *state)
{
	(void)env;
	isolation_side_down(state);
	return NULL;
}

static const struct side_op iso_ops[] = {
	{ "iso_up", SIDE_UP, "", "",
	  "isolation's server side: a sleeping UDP echo server on port 7100 and the neighbour's "
	  "XDP program (port 9100) on the device, its NAPI as a thread on one CPU",
	  false },
	{ "iso_iters", SIDE_OP, "`iters` (0..100000)", "", "the neighbour's work per datagram",
	  false },
	{ "iso_pkts", SIDE_OP, "", "`pkts`", "the datagrams the neighbour's program has seen",
	  false },
	{ "iso_kvc_up", SIDE_OP, "", "",
	  "the paper's neighbour in place of the XDP one: memcached (one worker, port 11211 on the "
	  "device's address; refused where the port is taken) with the kvcache (on every interface "
	  "of the host, named in the announcement)",
	  true },
	{ "iso_kvc_hits", SIDE_OP, "", "`hits`", "the GETs the kvcache neighbour answered", false },
	{ "iso_down", SIDE_DOWN, "", "",
	  "removes the program (or memcached and the cache) and the server", false },
	{ 0 },
};

/* the kvcache neighbour's TC egress filters, on every interface (iso_kvc_up) */
static const struct side_leave kvc_leaves[] = {
	{ "the kvcache's TC egress filter", true, KVC_TC_HANDLE, KVC_TC_PRIORITY, true },
	{ 0 },
};

static const struct exp_side iso_side = {
	"iso_", iso_ops, kvc_leaves, iso_up, iso_op, iso_down,
};

/* ---- kv and kv-afxdp ---- */

static json_t *kv_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	struct kv_side *s = NULL;

	(void)req;
	side_announce(env,
		      "kv: memcached (1 worker, 256 MB) on %s's address, port %d, pinned to one "
		      "CPU; BPF run-time statistics and sched tracepoint programs while it runs",
		      env->tb->dut.ifname, 11211);
	if (kv_side_up(env->tb->dut.ifname, &s, why, whylen))
		return NULL;
	*state = s;
	return kv_side_hello(s);
}

static json_t *kv_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	const char *dev = env->tb->dut.ifname;
	char others[200];

	if (!strcmp(op, "kv_sv_up")) {
		json_int_t sv = json_integer_value(json_object_get(req, "sv"));

		side_announce(env, "kv: %s on %s%s%s%s",
			      sv == 0	? "an XDP_PASS program (memcached alone)"
			      : sv == 1 ? "the kvcache (XDP and a TC egress filter)"
					: "the XDP_TX responder",
			      dev,
			      sv == 1 ? ", and on every other interface of this host, so that no "
					"write to memcached passes it by: "
				      : "",
			      sv == 1 ? dev_others(dev, others, sizeof(others)) : "",
			      json_is_true(json_object_get(req, "pin"))
				      ? "; its NAPI as a real-time thread on memcached's CPU"
				      : "");
	} else if (!strcmp(op, "kv_ax_up")) {
		bool cache = json_is_true(json_object_get(req, "cache"));

		side_announce(
			env,
			"kv-afxdp: the AF_XDP key-value server (UDP port 11212, copy mode) on "
			"%s%s%s; its NAPI as a real-time thread on the server's CPU",
			dev,
			cache ? " with the kvcache in front (XDP and a TC egress filter), also "
				"on every other interface of this host: "
			      : "",
			cache ? dev_others(dev, others, sizeof(others)) : "");
	} else if (!strcmp(op, "kv_obs_begin") && json_is_true(json_object_get(req, "spin"))) {
		side_announce(env, "kv: an idle-class spinner on memcached's CPU for the run");
	}
	return kv_side_op(state, op, req, why, whylen);
}

static json_t *kv_down(const struct side_env *env, void *state)
{
	(void)env;
	kv_side_down(state);
	return NULL;
}

static const struct side_op kv_ops[] = {
	{ "kv_up", SIDE_UP, "", "`mc_pid`, `mc_worker`, `dut_cpu`, `traced`, `stats`",
	  "kv's server side: memcached (one worker thread, pinned to one CPU) on the device's "
	  "address, port 11211 (refused if something holds that port already: it would take our "
	  "keys), BPF run-time statistics and the sched wake-up tracer",
	  true },
	{ "kv_sv_up", SIDE_OP, "`sv` (0 XDP_PASS, 1 kvcache, 2 XDP_TX responder), `pin`", "`napi`",
	  "one server on the device; the kvcache also goes on every other interface of the host "
	  "(XDP and TC egress), so that no write to memcached passes it by, and the announcement "
	  "names them; with `pin`, the device's NAPI as a real-time thread on memcached's CPU",
	  false },
	{ "kv_sv_down", SIDE_OP, "", "", "removes the server", false },
	{ "kv_counters", SIDE_OP, "", "`counters`", "the kvcache's counters (hit, miss, fill, ...)",
	  false },
	{ "kv_progstat", SIDE_OP, "", "`xt`, `xc`, `tt`, `tc`",
	  "run time and count of the kvcache's XDP and TC programs, or the responder's (`xt`, "
	  "`xc`)",
	  false },
	{ "kv_busy", SIDE_OP, "", "`busy`, `total`",
	  "memcached's CPU's busy and total ticks (/proc/stat)", false },
	{ "kv_where", SIDE_OP, "", "`napi_cpu`, `worker_cpu`",
	  "where the NAPI thread and memcached's worker run now", false },
	{ "kv_obs_begin", SIDE_OP, "`spin`, `max_ns`", "",
	  "the slow path's observation: memcached's context switches, the wake-up tracer on its "
	  "worker and the NAPI thread; with `spin` an idle-class spinner on its CPU (at most "
	  "`max_ns`)",
	  false },
	{ "kv_obs_end", SIDE_OP, "", "`vol`, `spin_ns`, `slots`",
	  "the observation: voluntary switches, the spinner's CPU time, per traced thread the "
	  "wake-ups (`n`, `idle`) and up to 8000 of their latencies (`lat`, evenly strided)",
	  false },
	{ "kv_ax_up", SIDE_OP, "`cache`", "`napi`",
	  "kv-afxdp: the AF_XDP key-value server (one worker, UDP port 11212, copy mode) on the "
	  "device, its large values stored, with `cache` the kvcache in front (its misses handed "
	  "to the server's socket; it also goes on every other interface, named in the "
	  "announcement); the device's NAPI as a real-time thread on the server's CPU",
	  false },
	{ "kv_ax_stop", SIDE_OP, "", "",
	  "stops the AF_XDP server (`kv_sv_down` then removes the cache, after its counters are "
	  "read)",
	  false },
	{ "kv_testrun", SIDE_OP, "`quick`", "`result`",
	  "the kvcache's and the responder's cost per packet by test-run on this host", false },
	{ "kv_down", SIDE_DOWN, "", "", "stops memcached and removes everything kv set up", false },
	{ 0 },
};

static const struct exp_side kv_side = {
	"kv_", kv_ops, kvc_leaves, kv_up, kv_op, kv_down,
};

const struct exp_side *const agent_compat_sides[] = { &echo_side, &pp_side, &iso_side, &kv_side,
						      NULL };
