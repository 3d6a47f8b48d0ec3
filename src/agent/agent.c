// SPDX-License-Identifier: GPL-2.0
/*
 * offloadlab agent --stdio: the server's side of an experiment on this host, driven over its
 * standard input and output (docs/agent-protocol.md). It never listens on the network. What it
 * attaches it removes on EOF, on SIGTERM/SIGHUP/SIGINT, and, after a SIGKILL, at the next
 * start (a state file per device says what was changed and by which pid).
 */
#include <argp.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/agent_int.h"
#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/echo/echo_exp.h"
#include "exp/exp.h"
#include "exp/hooks/hooks_exp.h"
#include "exp/isolation/isolation_exp.h"
#include "exp/kv/kv.h"
#include "exp/preproc/preproc_exp.h"
#include "lib/cli.h"
#include "lib/env.h"
#include "lib/fdwait.h"
#include "lib/linerd.h"
#include "lib/log.h"
#include "version.h"

/* A request line's bytes, its newline not counted: longer ones are refused whole. */
#define AGENT_LINE_MAX 65535

static volatile sig_atomic_t agent_stop;

static void on_signal(int sig)
{
	agent_stop = sig;
}

void agent_say(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);

	if (s) {
		fputs(s, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	free(s);
	json_decref(o);
}

void agent_announce(const char *fmt, ...)
{
	char buf[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	agent_say(json_pack("{s:s}", "event", buf));
}

void agent_fail(const char *fmt, ...)
{
	char buf[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	agent_say(json_pack("{s:b, s:s}", "ok", 0, "error", buf));
}

/* Everything this agent set up on its device removed, and the device as it found it. */
static void agent_restore(struct agent *a)
{
	if (a->echo) {
		echo_side_down(a->echo);
		a->echo = NULL;
	}
	bandwidth_side_down(a->bw);
	a->bw = NULL;
	preproc_side_down(a->pp);
	a->pp = NULL;
	isolation_side_down(a->iso);
	a->iso = NULL;
	hooks_side_down(a->hk);
	a->hk = NULL;
	kv_side_down(a->kv);
	a->kv = NULL;
	agent_dev_release(a);
}

/* Whether an experiment's server side is up (one at a time on the device). */
static bool side_busy(const struct agent *a)
{
	return a->echo || a->bw || a->pp || a->iso || a->hk || a->kv;
}

static void op_echo_up(struct agent *a, json_t *req)
{
	const char *variant = json_string_value(json_object_get(req, "variant"));
	const char *l4 = json_string_value(json_object_get(req, "l4"));
	const char *peer = json_string_value(json_object_get(req, "peer"));
	bool split = json_is_true(json_object_get(req, "split"));
	char why[200] = "";
	int err;

	if (!a->ifindex || side_busy(a) || !variant || !l4 || !peer) {
		agent_fail(!a->ifindex ? "no device yet (op device first)"
			   : side_busy(a)
				   ? "something is already up on the device (its _down first)"
				   : "echo_up needs variant, l4 and peer");
		return;
	}
	agent_announce("attach the echo %s (%s) to %s: an XDP program (the echo or XDP_PASS)%s%s",
		       variant, l4, a->dev, !strcmp(variant, "tc") ? ", a TC ingress filter" : "",
		       split ? ", threaded NAPI pinned to one CPU" : "");
	err = echo_side_up(a->dev, peer, variant, l4, split, &a->echo, why, sizeof(why));
	if (err) {
		agent_fail("%s", why[0] ? why : strerror(-err));
		return;
	}
	agent_say(json_pack("{s:b}", "ok", 1));
}

static void op_echo_accept(struct agent *a)
{
	char why[160];
	int err = a->echo ? echo_side_accept(a->echo) : -ENOTCONN;

	if (err == -ENOTCONN)
		agent_fail("no TCP SK_SKB echo variant is up (echo_up first)");
	else if (err)
		agent_fail("take the connection into the sockmap: %s",
			   fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, why, sizeof(why)));
	else
		agent_say(json_pack("{s:b}", "ok", 1));
}

static void op_echo_down(struct agent *a)
{
	uint64_t n = echo_side_down(a->echo);

	a->echo = NULL;
	agent_threaded_restore(a); /* the next experiment finds the device as it was */
	agent_say(json_pack("{s:b, s:I}", "ok", 1, "replied", (json_int_t)n));
}

static void op_bw_up(struct agent *a, json_t *req)
{
	const char *cond = json_string_value(json_object_get(req, "cond"));
	char why[200] = "";
	int err;

	if (!a->ifindex || side_busy(a) || !cond) {
		agent_fail(!a->ifindex ? "no device yet (op device first)"
			   : !cond     ? "bw_up needs cond"
				       : "something is already up on the device");
		return;
	}
	agent_announce("bandwidth: a TCP sink on port 5201 of %s%s", a->dev,
		       !strcmp(cond, "xdp")	? ", an XDP_PASS program on it"
		       : !strcmp(cond, "tc")	? ", an empty TC ingress filter on it"
		       : !strcmp(cond, "skskb") ? ", an empty sk_skb verdict on the sink's socket"
						: "");
	err = bandwidth_side_up(a->dev, cond, &a->bw, why, sizeof(why));
	if (err)
		agent_fail("%s", why[0] ? why : strerror(-err));
	else
		agent_say(json_pack("{s:b}", "ok", 1));
}

static void op_bw(struct agent *a, const char *op)
{
	uint64_t ns, bytes;

	if (!a->bw) {
		agent_fail("no bandwidth sink is up (bw_up first)");
	} else if (!strcmp(op, "bw_accept")) {
		char why[160];
		int err = bandwidth_side_accept(a->bw);

		if (err)
			agent_fail("accept the stream: %s",
				   fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, why,
					      sizeof(why)));
		else
			agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "bw_bytes")) {
		bytes = bandwidth_side_bytes(a->bw, &ns);
		agent_say(json_pack("{s:b, s:I, s:I}", "ok", 1, "bytes", (json_int_t)bytes, "ns",
				    (json_int_t)ns));
	} else {
		bandwidth_side_down(a->bw);
		a->bw = NULL;
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
		agent_say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_pp(struct agent *a, const char *op, json_t *req)
{
	char why[200] = "";
	uint64_t ns, pkts;

	if (!strcmp(op, "pp_up")) {
		if (!a->ifindex || side_busy(a)) {
			agent_fail(!a->ifindex ? "no device yet (op device first)"
					       : "something is already up on the device");
			return;
		}
		agent_announce(
			"preproc: an XDP program truncating UDP datagrams to port 9009 on %s, "
			"threaded NAPI on one CPU, a UDP sink",
			a->dev);
		if (preproc_side_up(a->dev, &a->pp, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!a->pp) {
		agent_fail("no preproc sink is up (pp_up first)");
	} else if (!strcmp(op, "pp_cut")) {
		json_int_t pct = json_integer_value(json_object_get(req, "pct"));

		if (pct < 0 || pct > 100) {
			agent_fail("pp_cut takes pct 0..100");
			return;
		}
		preproc_side_cut(a->pp, (unsigned int)pct);
		agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "pp_pkts")) {
		pkts = preproc_side_pkts(a->pp, &ns);
		agent_say(json_pack("{s:b, s:I, s:I}", "ok", 1, "pkts", (json_int_t)pkts, "ns",
				    (json_int_t)ns));
	} else {
		preproc_side_down(a->pp);
		a->pp = NULL;
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
		agent_say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_iso(struct agent *a, const char *op, json_t *req)
{
	char why[200] = "";

	if (!strcmp(op, "iso_up")) {
		if (!a->ifindex || side_busy(a)) {
			agent_fail(!a->ifindex ? "no device yet (op device first)"
					       : "something is already up on the device");
			return;
		}
		agent_announce(
			"isolation: a UDP echo server on port 7100 and a neighbour's XDP program "
			"(port 9100) on %s, threaded NAPI on one CPU",
			a->dev);
		if (isolation_side_up(a->dev, &a->iso, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!a->iso) {
		agent_fail("no isolation server is up (iso_up first)");
	} else if (!strcmp(op, "iso_kvc_up")) {
		char others[200];

		agent_announce(
			"isolation: the XDP neighbour off %s; memcached (1 worker, 64 MB) on its "
			"address, port 11211, and the kvcache (XDP and a TC egress filter) on it "
			"and on every other interface of this host: %s",
			a->dev, agent_other_ifs(a->dev, others, sizeof(others)));
		if (agent_state_write(a, true))
			agent_fail("cannot write %s", a->state);
		else if (isolation_side_kvc_up(a->iso, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "iso_kvc_hits")) {
		agent_say(json_pack("{s:b, s:I}", "ok", 1, "hits",
				    (json_int_t)isolation_side_kvc_hits(a->iso)));
	} else if (!strcmp(op, "iso_iters")) {
		json_int_t it = json_integer_value(json_object_get(req, "iters"));

		if (it < 0 || it > 100000) {
			agent_fail("iso_iters takes iters 0..100000");
			return;
		}
		isolation_side_iters(a->iso, (unsigned int)it);
		agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "iso_pkts")) {
		agent_say(json_pack("{s:b, s:I}", "ok", 1, "pkts",
				    (json_int_t)isolation_side_pkts(a->iso)));
	} else {
		isolation_side_down(a->iso);
		a->iso = NULL;
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
		agent_state_write(a, false);
		agent_say(json_pack("{s:b}", "ok", 1));
	}
}

static void op_hk_up(struct agent *a, json_t *req)
{
	const char *part = json_string_value(json_object_get(req, "part"));
	bool reach = part && !strcmp(part, "reach");
	char why[200] = "";

	if (!a->ifindex || side_busy(a) || !part || (!reach && strcmp(part, "stats"))) {
		agent_fail(!a->ifindex	  ? "no device yet (op device first)"
			   : side_busy(a) ? "something is already up on the device"
					  : "hk_up takes part \"stats\" or \"reach\"");
		return;
	}
	agent_announce("hooks: %s XDP and TC ingress programs on %s%s, a socket on port %d with a "
		       "reader thread, its sockmap",
		       reach ? "stamping" : "empty", a->dev,
		       reach ? ", stamping programs on the netif_receive_skb and sk_data_ready "
			       "tracepoints"
			     : ", BPF run-time statistics on while it is up",
		       HOOKS_PORT);
	if (hooks_side_up(a->dev, reach, &a->hk, why, sizeof(why)))
		agent_fail("%s", why);
	else
		agent_say(json_pack("{s:b, s:o}", "ok", 1, "caps", hooks_side_caps()));
}

static void op_hk(struct agent *a, const char *op, json_t *req)
{
	bool skskb = json_is_true(json_object_get(req, "skskb"));
	char why[200] = "";

	if (!strcmp(op, "hk_up")) {
		op_hk_up(a, req);
	} else if (!a->hk) {
		agent_fail("the hooks' programs are not up (hk_up first)");
	} else if (!strcmp(op, "hk_open")) {
		json_int_t n = json_integer_value(json_object_get(req, "n"));

		if (hooks_side_open(a->hk, json_is_true(json_object_get(req, "tcp")),
				    json_is_true(json_object_get(req, "busy")), skskb,
				    n > 0 && n < 100000 ? (int)n : 0, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "hk_accept")) {
		if (hooks_side_accept(a->hk, skskb, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(json_pack("{s:b}", "ok", 1));
	} else if (!strcmp(op, "hk_close")) {
		agent_say(json_pack("{s:b, s:i}", "ok", 1, "got", hooks_side_close(a->hk)));
	} else if (!strcmp(op, "hk_rows")) {
		json_int_t from = json_integer_value(json_object_get(req, "from"));
		json_int_t count = json_integer_value(json_object_get(req, "count"));

		if (from < 0 || from > 100000 || count < 1 || count > 500) {
			agent_fail("hk_rows takes from 0..100000 and count 1..500");
			return;
		}
		agent_say(json_pack("{s:b, s:o}", "ok", 1, "rows",
				    hooks_side_rows(a->hk, (int)from, (int)count)));
	} else if (!strcmp(op, "hk_stats")) {
		agent_say(json_pack("{s:b, s:o}", "ok", 1, "stats", hooks_side_stats(a->hk)));
	} else if (!strcmp(op, "hk_testrun")) {
		json_int_t samples = json_integer_value(json_object_get(req, "samples"));

		agent_say(json_pack(
			"{s:b, s:o}", "ok", 1, "result",
			hooks_side_testrun(a->hk, json_is_true(json_object_get(req, "quick")),
					   samples >= 100 && samples <= 8000 ? (unsigned int)samples
									     : 0)));
	} else if (!strcmp(op, "hk_down")) {
		hooks_side_down(a->hk);
		a->hk = NULL;
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
		agent_say(json_pack("{s:b}", "ok", 1));
	} else {
		agent_fail("no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	}
}

static void op_kv(struct agent *a, const char *op, json_t *req)
{
	char why[300] = "";
	json_t *ans;

	if (!strcmp(op, "kv_up")) {
		if (!a->ifindex || side_busy(a)) {
			agent_fail(!a->ifindex ? "no device yet (op device first)"
					       : "something is already up on the device");
			return;
		}
		agent_announce(
			"kv: memcached (1 worker, 256 MB) on %s's address, port %d, pinned to one "
			"CPU; BPF run-time statistics and sched tracepoint programs while it runs",
			a->dev, 11211);
		if (agent_state_write(a, true)) {
			agent_fail("cannot write %s", a->state);
			return;
		}
		if (kv_side_up(a->dev, &a->kv, why, sizeof(why)))
			agent_fail("%s", why);
		else
			agent_say(kv_side_hello(a->kv));
		return;
	}
	if (!a->kv) {
		agent_fail("kv's server side is not up (kv_up first)");
		return;
	}
	if (!strcmp(op, "kv_down")) {
		kv_side_down(a->kv);
		a->kv = NULL;
		agent_threaded_restore(a); /* the next experiment finds the device as it was */
		agent_state_write(a, false);
		agent_say(json_pack("{s:b}", "ok", 1));
		return;
	}
	if (!strcmp(op, "kv_sv_up")) {
		json_int_t sv = json_integer_value(json_object_get(req, "sv"));
		char others[200];

		agent_announce(
			"kv: %s on %s%s%s%s",
			sv == 0	  ? "an XDP_PASS program (memcached alone)"
			: sv == 1 ? "the kvcache (XDP and a TC egress filter)"
				  : "the XDP_TX responder",
			a->dev,
			sv == 1 ? ", and on every other interface of this host, so that no write "
				  "to memcached passes it by: "
				: "",
			sv == 1 ? agent_other_ifs(a->dev, others, sizeof(others)) : "",
			json_is_true(json_object_get(req, "pin"))
				? "; its NAPI as a real-time thread on memcached's CPU"
				: "");
	} else if (!strcmp(op, "kv_ax_up")) {
		bool cache = json_is_true(json_object_get(req, "cache"));
		char others[200];

		agent_announce(
			"kv-afxdp: the AF_XDP key-value server (UDP port 11212, copy mode) on "
			"%s%s%s"
			"; its NAPI as a real-time thread on the server's CPU",
			a->dev,
			cache ? " with the kvcache in front (XDP and a TC egress filter), also on "
				"every other interface of this host: "
			      : "",
			cache ? agent_other_ifs(a->dev, others, sizeof(others)) : "");
	} else if (!strcmp(op, "kv_obs_begin") && json_is_true(json_object_get(req, "spin"))) {
		agent_announce("kv: an idle-class spinner on memcached's CPU for the run");
	}
	ans = kv_side_op(a->kv, op, req, why, sizeof(why));
	if (ans)
		agent_say(ans);
	else
		agent_fail("%s", why);
}

/* A runtime experiment (no network: maps, jit ...) run here; its result as JSON. */
static void op_run(json_t *req)
{
	const char *name = json_string_value(json_object_get(req, "name"));
	const struct experiment *e = name ? exp_find(name) : NULL;
	json_int_t samples = json_integer_value(json_object_get(req, "samples"));
	struct run_opts o = { .quick = json_is_true(json_object_get(req, "quick")) };
	struct result r;

	if (!e || e->testbed) {
		agent_fail("'%.40s' is not an experiment the agent runs on its own (runtime ones "
			   "only: they need no network)",
			   name ? name : "");
		return;
	}
	if (samples >= 100 && samples <= 8000)
		o.samples = (unsigned int)samples;
	agent_announce(
		"run the %s experiment here (loads and test-runs BPF programs, attaches nothing)",
		e->name);
	result_init(&r, e->name);
	exp_run(e, &o, &r);
	agent_say(json_pack("{s:b, s:o}", "ok", 1, "result",
			    result_to_json(&r, e->question, e->paper)));
	result_free(&r);
}

/* One request; false when the driver said bye or the protocol cannot go on. */
static bool agent_handle(struct agent *a, json_t *req, bool *hello)
{
	const char *op = json_string_value(json_object_get(req, "op"));

	if (!op) {
		agent_fail("a request needs an \"op\"");
		return true;
	}
	if (!*hello) {
		json_t *v = json_object_get(req, "version");

		if (strcmp(op, "hello")) {
			agent_fail("say hello first (with the protocol version)");
			return true;
		}
		if (!json_is_integer(v) || json_integer_value(v) != AGENT_PROTO_VERSION) {
			agent_fail(
				"protocol version mismatch: the driver speaks %s%lld, this agent "
				"(offloadlab " OLAB_VERSION ") speaks %d",
				json_is_integer(v) ? "" : "no version, ",
				json_is_integer(v) ? (long long)json_integer_value(v) : 0LL,
				AGENT_PROTO_VERSION);
			return false;
		}
		*hello = true;
		agent_say(json_pack("{s:b, s:i, s:s, s:o}", "ok", 1, "version", AGENT_PROTO_VERSION,
				    "agent", "offloadlab " OLAB_VERSION " (" OLAB_GIT ")", "env",
				    env_capture()));
		return true;
	}
	if (!strcmp(op, "device"))
		agent_op_device(a, req);
	else if (!strcmp(op, "echo_up"))
		op_echo_up(a, req);
	else if (!strcmp(op, "echo_accept"))
		op_echo_accept(a);
	else if (!strcmp(op, "echo_down"))
		op_echo_down(a);
	else if (!strcmp(op, "bw_up"))
		op_bw_up(a, req);
	else if (!strcmp(op, "bw_accept") || !strcmp(op, "bw_bytes") || !strcmp(op, "bw_down"))
		op_bw(a, op);
	else if (!strncmp(op, "kv_", 3))
		op_kv(a, op, req);
	else if (!strncmp(op, "hk_", 3))
		op_hk(a, op, req);
	else if (!strncmp(op, "iso_", 4))
		op_iso(a, op, req);
	else if (!strncmp(op, "pp_", 3))
		op_pp(a, op, req);
	else if (!strcmp(op, "run"))
		op_run(req);
	else if (!strcmp(op, "env"))
		agent_say(json_pack("{s:b, s:o}", "ok", 1, "env", env_capture()));
	else if (!strcmp(op, "bye")) {
		agent_restore(a);
		agent_say(json_pack("{s:b}", "ok", 1));
		return false;
	} else
		agent_fail("no op '%.40s' in protocol version %d", op, AGENT_PROTO_VERSION);
	return true;
}

static const char agent_doc[] =
	"The server's side of the experiments on this host, for `offloadlab run --remote` on "
	"another: it reads one JSON request per line on standard input and answers on standard "
	"output (docs/agent-protocol.md). It never listens on the network; run it through ssh. "
	"Everything it attaches is removed on end of input, SIGTERM or SIGHUP, and after a "
	"SIGKILL by the next agent on the same device."
	"\vExamples:\n"
	"  ssh server offloadlab agent --stdio      (what run --remote does)\n"
	"  echo '{\"op\":\"hello\",\"version\":1}' | sudo offloadlab agent --stdio";

static const struct argp_option agent_options[] = {
	{ "stdio", 's', NULL, 0, "Speak the protocol on standard input and output", 0 },
	{ 0 },
};

static error_t agent_parse(int key, char *arg, struct argp_state *state)
{
	bool *stdio = state->input;

	switch (key) {
	case 's':
		*stdio = true;
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "unexpected argument '%s'", arg);
		break;
	case ARGP_KEY_END:
		if (!*stdio)
			argp_error(state, "say --stdio (the only transport)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* One line of input, or why it is not one; false when the agent is to end. */
static bool agent_line(struct agent *a, enum lr_status st, const char *line, bool *hello)
{
	json_t *req;
	bool go = true;

	if (st == LR_TOOLONG) {
		agent_fail("a request line over %d bytes: refused whole (nothing of it was run)",
			   AGENT_LINE_MAX);
		return true;
	}
	if (st == LR_NUL) {
		agent_fail("a NUL byte in a request line: refused whole (nothing of it was run)");
		return true;
	}
	req = json_loads(line, 0, NULL);
	if (!json_is_object(req))
		agent_fail("a request is one JSON object on one line");
	else
		go = agent_handle(a, req, hello);
	json_decref(req);
	return go;
}

int agent_main(int argc, char **argv)
{
	struct argp argp = { agent_options, agent_parse, NULL, agent_doc, NULL, NULL, NULL };
	struct agent a = { .lock_fd = -1 };
	bool stdio = false, hello = false, go = true;
	struct sigaction sa = { .sa_handler = on_signal };
	struct linerd lr;

	if (argp_parse(&argp, argc, argv, 0, NULL, &stdio))
		return EXIT_USAGE;
	if (geteuid() != 0) {
		fprintf(stderr,
			"offloadlab agent: needs root (it loads and attaches BPF programs)\n");
		return EXIT_FAIL;
	}
	if (lr_init(&lr, STDIN_FILENO, AGENT_LINE_MAX)) {
		fprintf(stderr, "offloadlab agent: out of memory\n");
		return EXIT_FAIL;
	}
	log_setup_libbpf();
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* every wait for the network (accept, connect) ends when the driver is gone */
	fdwait_watch_end(STDIN_FILENO);
	while (go && !agent_stop) {
		struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
		enum lr_status st;
		char *line;
		ssize_t n;

		st = lr_next(&lr, &line);
		if (st == LR_EOF)
			break; /* end of input: the driver is gone */
		if (st != LR_MORE) {
			go = agent_line(&a, st, line, &hello);
			continue;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = lr_fill(&lr);
		if (n < 0 && n != -EAGAIN && n != -EINTR)
			break; /* the input is gone as surely as at its end */
	}
	agent_restore(&a);
	lr_free(&lr);
	return hello || go ? EXIT_OK : 2;
}
