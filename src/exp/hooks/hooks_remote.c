// SPDX-License-Identifier: GPL-2.0
/*
 * hooks with two hosts: the probes sent from here, the stamping programs, the receiving socket
 * and its reader on the server (its server side, hooks_side.c, asked through side_call()).
 * Every reach time is a difference of two stamps taken on the server's clock; what starts at
 * send() here would subtract two hosts' clocks and is reported unavailable.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exp/hooks/hooks_exp.h"
#include "exp/hooks/hooks_int.h"
#include "exp/side.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/jbound.h"
#include "lib/log.h"
#include "testbed/testbed.h"

/*
 * Spacing of probes sent to another host, which cannot say when each arrived (the local run
 * waits for each): see probe_gap().
 */
#define GAP_MIN_NS 20000ULL
#define GAP_MAX_NS 1000000ULL
/* Rows per answer: a row is about 60 bytes of JSON, an answer stays far below its limit. */
#define ROWS_PER_CALL 500

struct hk_remote {
	struct exp_ctx *x;
	struct caps *caps; /* the server kernel's hooks, as its side probed them */
	int err;	   /* the first failure: the run stops there */
	char why[300];
};

static json_t *hk_call(struct hk_remote *h, json_t *req)
{
	json_t *a;

	if (h->err) {
		json_decref(req);
		return NULL;
	}
	a = side_call(h->x, req, h->why, sizeof(h->why));
	if (!a)
		h->err = log_errno(-EIO, "the agent: %s", h->why);
	return a;
}

static bool hk_ok(struct hk_remote *h, json_t *req)
{
	json_t *a = hk_call(h, req);

	json_decref(a);
	return a != NULL;
}

/* The server kernel's hooks, as its side probed them: what the metrics say is missing. */
static void take_caps(struct caps *caps, json_t *a)
{
	json_t *c = json_object_get(a, "caps");
	const char *w;

	if (!json_is_object(c))
		return;
	caps->nrs = json_is_true(json_object_get(c, "nrs"));
	caps->sdr = json_is_true(json_object_get(c, "sdr"));
	w = json_string_value(json_object_get(c, "why_nrs"));
	snprintf(caps->why_nrs, sizeof(caps->why_nrs), "%s", w && !caps->nrs ? w : "");
	w = json_string_value(json_object_get(c, "why_sdr"));
	snprintf(caps->why_sdr, sizeof(caps->why_sdr), "%s", w && !caps->sdr ? w : "");
}

static void spin_until(uint64_t t)
{
	while (bpfu_now_ns() < t)
		;
}

/* hk_stats' program k: [run_time_ns, run_cnt], each a count; else the run stops (h->err). */
static int stats_pair(struct hk_remote *h, json_t *a, int k, uint64_t *rt, uint64_t *rc)
{
	json_t *pair = json_array_get(json_object_get(a, "stats"), (size_t)k);
	struct jb b = { .what = "hk_stats" };
	char name[32];

	snprintf(name, sizeof(name), "stats[%d][0]", k);
	*rt = jb_count(&b, json_array_get(pair, 0), name);
	snprintf(name, sizeof(name), "stats[%d][1]", k);
	*rc = jb_count(&b, json_array_get(pair, 1), name);
	if (b.err) {
		snprintf(h->why, sizeof(h->why), "%s", b.why);
		h->err = log_errno(-EPROTO, "the agent: %s", h->why);
	}
	return h->err;
}

/* The empty programs' cost on the server's live path, batch by batch. */
static void remote_stats(struct hk_remote *h, const struct tb *tb, const struct run_opts *o,
			 struct result *r)
{
	int batches = o->quick ? 10 : 30, per_batch = 200, b, i, k, tx = -1;
	struct stats_samples s[3];
	unsigned char msg[MSG_LEN];

	memset(msg, 0, sizeof(msg));
	for (k = 0; k < 3; k++)
		stats_samples_init(&s[k]);
	if (!hk_ok(h, json_pack("{s:s, s:b, s:b, s:b, s:i}", "op", "hk_open", "tcp", 0, "busy", 0,
				"skskb", 1, "n", WARMUP + 1)) ||
	    path_connect(tb, P_UDP, &tx))
		goto out;
	for (b = 0; b < batches && !h->err; b++) {
		json_t *a0 = hk_call(h, json_pack("{s:s}", "op", "hk_stats")), *a1;
		uint64_t t = bpfu_now_ns();

		for (i = 0; i < per_batch; i++) {
			if (send(tx, msg, sizeof(msg), 0) < 0)
				break;
			spin_until(t += GAP_MIN_NS);
		}
		a1 = hk_call(h, json_pack("{s:s}", "op", "hk_stats"));
		for (k = 0; a0 && a1 && k < 3 && !h->err; k++) {
			uint64_t rt0, rc0, rt1, rc1;

			if (stats_pair(h, a0, k, &rt0, &rc0) || stats_pair(h, a1, k, &rt1, &rc1))
				break;
			/* counts within 0..JB_COUNT_MAX: the differences cannot overflow */
			if (rc1 > rc0 && rt1 >= rt0)
				stats_samples_add(&s[k], (double)(rt1 - rt0) / (double)(rc1 - rc0));
		}
		json_decref(a0);
		json_decref(a1);
	}
	hk_ok(h, json_pack("{s:s}", "op", "hk_close"));
	live_stats_report(r, s, batches, per_batch);
out:
	if (tx >= 0)
		close(tx);
	for (k = 0; k < 3; k++)
		stats_samples_free(&s[k]);
}

/*
 * The spacing for the measured probes: three times the time the warm-up probes took from XDP
 * to the server's reader (their median; the first ones find the path cold), so that each
 * probe meets an idle path without the path going cold between probes; within
 * GAP_MIN_NS..GAP_MAX_NS.
 */
static uint64_t probe_gap(struct hk_remote *h)
{
	json_t *a = hk_call(
		h, json_pack("{s:s, s:i, s:i}", "op", "hk_rows", "from", 0, "count", WARMUP));
	struct stats_samples u;
	struct stats_summary sum;
	json_t *row;
	uint64_t gap = GAP_MAX_NS;
	size_t i;

	stats_samples_init(&u);
	json_array_foreach(json_object_get(a, "rows"), i, row)
	{
		int64_t v;

		/* the reader's time, where a plausible one: else not a warm-up sample */
		if (jb_int_in(json_array_get(row, HP_MAX - 1), 1, (int64_t)GAP_MAX_NS - 1, &v))
			stats_samples_add(&u, (double)v);
	}
	json_decref(a);
	if (u.n >= WARMUP / 2) {
		stats_samples_summary(&u, &sum);
		gap = (uint64_t)(3 * sum.p50);
	}
	stats_samples_free(&u);
	return gap < GAP_MIN_NS ? GAP_MIN_NS : gap > GAP_MAX_NS ? GAP_MAX_NS : gap;
}

/* The warm-up probes GAP_MAX_NS apart, the rest at the gap they show; what the reader got. */
static int remote_ping(struct hk_remote *h, int tx, int n, int *got, uint64_t *gap)
{
	unsigned char msg[MSG_LEN];
	uint64_t t = bpfu_now_ns();
	json_t *a;
	int i;

	*gap = GAP_MAX_NS;
	memset(msg, 0, sizeof(msg));
	for (i = 0; i < n && !h->err; i++) {
		struct hooks_probe pr = { .magic = HOOKS_MAGIC, .seq = (__u32)i };

		if (i == WARMUP) {
			*gap = probe_gap(h);
			t = bpfu_now_ns();
		}
		pr.send_ns = bpfu_now_ns();
		memcpy(msg, &pr, sizeof(pr));
		if (send(tx, msg, sizeof(msg), 0) != (ssize_t)sizeof(msg))
			return log_errno(-errno, "send probe %d", i);
		spin_until(t += *gap);
	}
	/* the last probes' way up: well within a few gaps */
	spin_until(t + 10 * GAP_MAX_NS);
	a = hk_call(h, json_pack("{s:s}", "op", "hk_close"));
	if (a) {
		struct jb b = { .what = "hk_close" };

		*got = (int)jb_key_int(&b, a, "got", 0, n);
		if (b.err) {
			snprintf(h->why, sizeof(h->why), "%s", b.why);
			h->err = log_errno(-EPROTO, "the agent: %s", h->why);
		}
	}
	json_decref(a);
	return h->err;
}

/* The server's rows, a chunk per call, into the variant's samples. */
static void remote_rows(struct hk_remote *h, int n, struct reach_samples *s)
{
	int from, h_;

	for (from = WARMUP; from < n && !h->err; from += ROWS_PER_CALL) {
		json_t *a = hk_call(h, json_pack("{s:s, s:i, s:i}", "op", "hk_rows", "from", from,
						 "count", ROWS_PER_CALL));
		json_t *rows = json_object_get(a, "rows"), *row;
		size_t i;

		json_array_foreach(rows, i, row)
		{
			struct hooks_row hr = { .d = { 0 } };
			bool ok = json_is_array(row) && json_array_size(row) == HP_MAX;

			/*
			 * each stamp -1 (none) or up to a second after XDP's: a stamp that goes back
			 * in time, or a row of another shape, is not one and the row is dropped
			 */
			for (h_ = HP_XDP + 1; ok && h_ < HP_MAX; h_++) {
				int64_t v = 0;

				ok = jb_int_in(json_array_get(row, (size_t)h_ - 1), -1, 999999999,
					       &v);
				hr.d[h_] = v;
			}
			if (ok) {
				int64_t v = 0;

				ok = jb_int_in(json_array_get(row, HP_MAX - 1), -1, 999999999, &v);
				hr.user = v;
			}
			if (ok)
				reach_add(s, &hr, NAN);
		}
		json_decref(a);
	}
}

static const char why_clocks[] = "two hosts: send() is stamped on this host's clock and the "
				 "hooks on the server's; the two clocks do not meet";

static int remote_variant(struct hk_remote *h, const struct tb *tb, enum proto proto,
			  enum rxmode mode, bool skskb, int n, struct result *r,
			  struct stats_samples *keep, size_t *verdict_seen)
{
	struct reach_samples s;
	int tx = -1, got = 0, err;
	uint64_t gap = 0;
	char why[160] = "";
	size_t j;

	reach_samples_init(&s);
	/* the server's sockmap may refuse the socket: then say so, and measure the rest */
	if (!hk_ok(h, json_pack("{s:s, s:b, s:b, s:b, s:i}", "op", "hk_open", "tcp", proto == P_TCP,
				"busy", mode == RX_BUSY, "skskb", skskb, "n", n)) &&
	    skskb && side_alive(h->x)) {
		snprintf(why, sizeof(why), "on the server: %.140s", h->why);
		h->err = 0;
	}
	err = h->err;
	if (!err && !why[0])
		err = path_connect(tb, proto, &tx);
	if (!err && !why[0] && proto == P_TCP &&
	    !hk_ok(h, json_pack("{s:s, s:b}", "op", "hk_accept", "skskb", skskb)) && skskb &&
	    side_alive(h->x)) {
		snprintf(why, sizeof(why), "on the server: %.140s", h->why);
		h->err = 0;
	}
	err = err ? err : h->err;
	if (!err && !why[0])
		err = remote_ping(h, tx, n, &got, &gap);
	if (!err && !why[0]) {
		remote_rows(h, n, &s);
		err = h->err;
	}
	if (tx >= 0)
		close(tx);
	if (err)
		goto out;
	for (j = 0; j < s.sock.n; j++)
		stats_samples_add(keep, s.sock.v[j]);
	*verdict_seen = s.from_xdp[HP_SKSKB].n;
	if (!why[0])
		result_note(r,
			    "%s/%s%s: probes sent %.0f us apart (3x the warm-up probes' median "
			    "from XDP to the server's reader)",
			    proto_name[proto], rxmode_name[mode], skskb ? "/sk_skb" : "",
			    (double)gap / 1000.0);
	if (!why[0] && got < n)
		result_note(r, "%s/%s%s: %d of %d probes did not reach the server's reader",
			    proto_name[proto], rxmode_name[mode], skskb ? "/sk_skb" : "", n - got,
			    n);
	reach_report(r, h->caps, proto, mode, skskb, &s, n - WARMUP, why, why_clocks);
out:
	reach_samples_free(&s);
	return err;
}

static void remote_reach(struct hk_remote *h, const struct tb *tb, const struct run_opts *o,
			 struct result *r)
{
	int n = (int)(o->samples ? o->samples : o->quick ? 1000 : 5000) + WARMUP;
	struct stats_samples keep[2][2][2]; /* [proto][sk_skb][mode]: XDP -> recv */
	size_t seen[2][2][2] = { { { 0 } } };
	int proto, mode, sk;
	json_t *a;

	if (n > HOOKS_SLOTS)
		n = HOOKS_SLOTS;
	/* as on the local testbed: the sender on its CPU, the server's reader on the other */
	cpu_pin_self(tb->gen_cpu);
	for (proto = 0; proto < 2; proto++)
		for (sk = 0; sk < 2; sk++)
			for (mode = 0; mode < 2; mode++)
				stats_samples_init(&keep[proto][sk][mode]);
	a = hk_call(h, json_pack("{s:s, s:s}", "op", "hk_up", "part", "reach"));
	take_caps(h->caps, a);
	json_decref(a);
	for (proto = P_UDP; proto <= P_TCP && !h->err; proto++)
		for (sk = 0; sk <= 1 && !h->err; sk++)
			for (mode = RX_SLEEP; mode <= RX_BUSY && !h->err; mode++)
				remote_variant(h, tb, proto, mode, sk, n, r, &keep[proto][sk][mode],
					       &seen[proto][sk][mode]);
	hk_ok(h, json_pack("{s:s}", "op", "hk_down"));
	for (proto = P_UDP; proto <= P_TCP && !h->err; proto++)
		for (mode = RX_SLEEP; mode <= RX_BUSY; mode++)
			skskb_added(r, proto, mode, &keep[proto][0][mode], &keep[proto][1][mode],
				    seen[proto][1][mode], true);
	for (proto = 0; proto < 2; proto++)
		for (sk = 0; sk < 2; sk++)
			for (mode = 0; mode < 2; mode++)
				stats_samples_free(&keep[proto][sk][mode]);
}

int hooks_run_remote(struct exp_ctx *x)
{
	struct hk_remote h = { .x = x, .caps = x->priv };
	const char *host = side_host(x);
	json_t *a;

	/* the empty programs' cost: test-run on the server's CPU, then on its live path */
	if (hk_ok(&h, json_pack("{s:s, s:s}", "op", "hk_up", "part", "stats"))) {
		a = hk_call(&h, json_pack("{s:s, s:b, s:i}", "op", "hk_testrun", "quick",
					  x->o->quick, "samples", (int)x->o->samples));
		if (a && result_from_json(json_object_get(a, "result"), x->r)) {
			snprintf(h.why, sizeof(h.why), "%s",
				 x->r->error[0] ? x->r->error
						: "the agent sent no test-run result");
			h.err = log_errno(-EPROTO, "%s", h.why);
		}
		json_decref(a);
		remote_stats(&h, x->tb, x->o, x->r);
		hk_ok(&h, json_pack("{s:s}", "op", "hk_down"));
	}
	if (!h.err)
		remote_reach(&h, x->tb, x->o, x->r);
	if (h.err) {
		snprintf(x->r->error, sizeof(x->r->error), "the agent on %.60s: %.180s", host,
			 h.why);
		return h.err;
	}
	result_note(x->r,
		    "two hosts: %s -> %s on %s; every reach time is the difference of two stamps "
		    "on the server's clock; the server cannot say when each probe arrived, so "
		    "they are spaced (see each variant's note); the programs' costs (test-run, "
		    "bpf-stats) are the server's",
		    x->tb->gen.ifname, x->tb->dut.ifname, host);
	result_note(x->r, "stamps: bpf_ktime_get_ns() at each hook and CLOCK_MONOTONIC in user "
			  "space on the server, matched per packet by sequence number");
	return 0;
}
