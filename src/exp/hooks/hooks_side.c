// SPDX-License-Identifier: GPL-2.0
/*
 * hooks' server side (exp/side.h, ops hk_*): the stamping or the empty programs on the
 * device, the receiving socket and its reader, the stamps read back as rows, the empty
 * programs' statistics and test-run cost. The generator's end of the two-host method is
 * hooks_remote.c; the same code would serve it here.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/hooks/hooks_exp.h"
#include "exp/hooks/hooks_int.h"
#include "exp/side.h"
#include "lib/bpfutil.h"
#include "lib/fdwait.h"
#include "lib/log.h"
#include "lib/util.h"
#include "testbed/testbed.h"
#include "hooks.skel.h"

struct hk_side {
	struct tb *tb;
	struct hooks_bpf *skel;
	struct caps caps;
	struct attached a;
	struct bpf_link *nrs, *sdr;
	bool reach; /* stamping programs; else the empty ones with run-time statistics */
	int stats_fd;
	enum proto proto;
	struct path p;
	struct rx_ctx rx;
	pthread_t th;
	bool th_up;
	uint64_t *t_user;
	int n;
};

static void side_stop_reader(struct hk_side *s)
{
	if (s->th_up) {
		atomic_store(&s->rx.stop, true);
		pthread_join(s->th, NULL);
		s->th_up = false;
	}
}

static json_t *hk_down(const struct side_env *env, void *state)
{
	struct hk_side *s = state;

	(void)env;
	if (!s)
		return NULL;
	side_stop_reader(s);
	if (s->skel)
		path_close(s->skel, &s->p);
	if (s->stats_fd >= 0)
		close(s->stats_fd);
	bpf_link__destroy(s->sdr);
	bpf_link__destroy(s->nrs);
	if (s->a.xdp)
		detach_dut(s->tb, &s->a);
	hooks_bpf__destroy(s->skel);
	free(s->t_user);
	free(s);
	return NULL;
}

static json_t *hk_up(const struct side_env *env, json_t *req, void **state, char *why,
		     size_t whylen)
{
	const char *part = json_string_value(json_object_get(req, "part"));
	bool reach = part && !strcmp(part, "reach");
	const char *dev = env->tb->dut.ifname;
	struct hk_side *s;
	int err;

	if (!part || (!reach && strcmp(part, "stats"))) {
		snprintf(why, whylen, "hk_up takes part \"stats\" or \"reach\"");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	s->tb = env->tb;
	s->stats_fd = -1;
	s->p.tx = s->p.rx = s->p.lfd = -1;
	s->reach = reach;
	side_announce(env,
		      "hooks: %s XDP and TC ingress programs on %s%s, a socket on port %d with a "
		      "reader thread, its sockmap",
		      reach ? "stamping" : "empty", dev,
		      reach ? ", stamping programs on the netif_receive_skb and sk_data_ready "
			      "tracepoints"
			    : ", BPF run-time statistics on while it is up",
		      HOOKS_PORT);
	s->skel = hooks_bpf__open();
	err = s->skel ? 0 : -errno;
	if (!err)
		hooks_setup(s->skel, &s->caps);
	if (!err)
		err = hooks_bpf__load(s->skel);
	if (!err)
		err = reach ? attach_dut(s->tb, s->skel->progs.olab_hooks_xdp_stamp,
					 s->skel->progs.olab_hooks_tc_stamp, &s->a)
			    : attach_dut(s->tb, s->skel->progs.olab_hooks_xdp_empty,
					 s->skel->progs.olab_hooks_tc_empty, &s->a);
	if (!err && reach && s->caps.nrs) {
		s->nrs = bpf_program__attach(s->skel->progs.olab_hooks_nrs_stamp);
		err = s->nrs ? 0 : -errno;
	}
	if (!err && reach && s->caps.sdr) {
		s->sdr = bpf_program__attach(s->skel->progs.olab_hooks_sdr_stamp);
		err = s->sdr ? 0 : -errno;
	}
	if (err) {
		snprintf(why, whylen, "set up the hooks' programs on %s: %s", dev, strerror(-err));
		hk_down(env, s);
		return NULL;
	}
	*state = s;
	return json_pack("{s:{s:b, s:b, s:s, s:s}}", "caps", "nrs", s->caps.nrs, "sdr", s->caps.sdr,
			 "why_nrs", s->caps.why_nrs, "why_sdr", s->caps.why_sdr);
}

/* The reader on the receiving socket; s->rx was cleared and given its mode by hk_open. */
static int side_start_reader(struct hk_side *s)
{
	int err;

	s->rx.fd = s->p.rx;
	s->rx.proto = s->proto;
	s->rx.cpu = s->tb->dut_cpu;
	s->rx.n = s->reach ? s->n : 1 << 30; /* the statistics' reader only drains */
	s->rx.t_user = s->reach ? s->t_user : NULL;
	atomic_store(&s->rx.done_seq, -1);
	err = -pthread_create(&s->th, NULL, rx_thread, &s->rx);
	s->th_up = !err;
	return err;
}

static json_t *hk_open(struct hk_side *s, json_t *req, char *why, size_t whylen)
{
	json_int_t jn = json_integer_value(json_object_get(req, "n"));
	bool tcp = json_is_true(json_object_get(req, "tcp"));
	bool busy = json_is_true(json_object_get(req, "busy"));
	bool skskb = json_is_true(json_object_get(req, "skskb"));
	int n = jn > 0 && jn < 100000 ? (int)jn : 0;
	struct bpf_program *verdict = NULL;
	int err;

	side_stop_reader(s);
	path_close(s->skel, &s->p);
	free(s->t_user);
	s->t_user = NULL;
	if (n < WARMUP + 1 || n > HOOKS_SLOTS || (tcp && !s->reach)) {
		snprintf(why, whylen, "hk_open takes n %d..%d (statistics: UDP only)", WARMUP + 1,
			 HOOKS_SLOTS);
		return NULL;
	}
	/* run-time statistics on only now: the test-run costs (hk_testrun) are taken without */
	if (!s->reach && s->stats_fd < 0) {
		s->stats_fd = bpfu_stats_enable();
		if (s->stats_fd < 0) {
			snprintf(why, whylen, "turn on BPF run-time statistics: %s",
				 strerror(-s->stats_fd));
			return NULL;
		}
	}
	s->n = n;
	s->proto = tcp ? P_TCP : P_UDP;
	s->t_user = calloc((size_t)n, sizeof(uint64_t));
	if (!s->t_user) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	if (s->reach)
		clear_slots(bpf_map__fd(s->skel->maps.stamps), n);
	if (skskb || !s->reach)
		verdict = s->reach ? s->skel->progs.olab_hooks_skskb_stamp
				   : s->skel->progs.olab_hooks_skskb_empty;
	err = path_listen(s->tb, s->proto, &s->p);
	if (!err && !tcp && verdict)
		err = path_verdict(s->skel, &s->p, s->proto, verdict);
	memset(&s->rx, 0, sizeof(s->rx));
	s->rx.mode = busy ? RX_BUSY : RX_SLEEP;
	if (!err && !tcp)
		err = side_start_reader(s);
	if (err) {
		snprintf(why, whylen, "%s", strerror(-err));
		path_close(s->skel, &s->p);
		return NULL;
	}
	return json_object();
}

static json_t *hk_accept(struct hk_side *s, json_t *req, char *why, size_t whylen)
{
	bool skskb = json_is_true(json_object_get(req, "skskb"));
	int err = 0;

	if (s->p.lfd < 0 || s->p.rx >= 0) {
		snprintf(why, whylen, "no TCP socket listening (hk_open with tcp first)");
		return NULL;
	}
	/* the generator connected before it asked: bounded, and not past the driver's end */
	s->p.rx = fdwait_accept(s->p.lfd, FDWAIT_ACCEPT_MS);
	if (s->p.rx < 0) {
		err = s->p.rx;
		s->p.rx = -1;
		fdwait_why(err, "TCP connection", FDWAIT_ACCEPT_MS, why, whylen);
		return NULL;
	}
	if (skskb)
		err = path_verdict(s->skel, &s->p, P_TCP, s->skel->progs.olab_hooks_skskb_stamp);
	if (!err)
		err = side_start_reader(s);
	if (err) {
		snprintf(why, whylen, "take the connection%s: %s", skskb ? " into the sockmap" : "",
			 strerror(-err));
		return NULL;
	}
	return json_object();
}

/* Per probe from..from+count-1: [nrs, tc, sdr, skskb, reader] ns after XDP (-1: none), or null. */
static json_t *hk_rows(struct hk_side *s, json_t *req, char *why, size_t whylen)
{
	json_int_t from = json_integer_value(json_object_get(req, "from"));
	json_int_t count = json_integer_value(json_object_get(req, "count"));
	json_t *rows = json_array();
	int map_fd = bpf_map__fd(s->skel->maps.stamps), i, h;

	if (from < 0 || from > 100000 || count < 1 || count > 500) {
		snprintf(why, whylen, "hk_rows takes from 0..100000 and count 1..500");
		json_decref(rows);
		return NULL;
	}
	for (i = (int)from; rows && i < s->n && i < from + count; i++) {
		struct hooks_row row;
		uint64_t x;
		json_t *a;

		if (!s->reach || hooks_row_read(map_fd, i, s->t_user, &row, &x)) {
			json_array_append_new(rows, json_null());
			continue;
		}
		a = json_array();
		for (h = HP_XDP + 1; h < HP_MAX; h++)
			json_array_append_new(a, json_integer(row.d[h]));
		json_array_append_new(a, json_integer(row.user));
		json_array_append_new(rows, a);
	}
	return json_pack("{s:o}", "rows", rows);
}

/* [run_time_ns, run_cnt] of the empty XDP, TC and sk_skb programs. */
static json_t *hk_stats(struct hk_side *s)
{
	struct bpf_program *progs[] = { s->skel->progs.olab_hooks_xdp_empty,
					s->skel->progs.olab_hooks_tc_empty,
					s->skel->progs.olab_hooks_skskb_empty };
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < ARRAY_SIZE(progs); i++) {
		uint64_t rt = 0, rc = 0;

		bpfu_prog_stats(bpf_program__fd(progs[i]), &rt, &rc);
		json_array_append_new(a, json_pack("[I, I]", (json_int_t)rt, (json_int_t)rc));
	}
	return json_pack("{s:o}", "stats", a);
}

static json_t *hk_testrun(struct hk_side *s, json_t *req)
{
	json_int_t samples = json_integer_value(json_object_get(req, "samples"));
	struct run_opts o = { .quick = json_is_true(json_object_get(req, "quick")),
			      .samples = samples >= 100 && samples <= 8000 ? (unsigned int)samples
									   : 0 };
	struct result r;
	json_t *j;

	result_init(&r, "hooks");
	testrun_cost(s->skel, &o, &r);
	j = result_to_json(&r, NULL, NULL);
	result_free(&r);
	return json_pack("{s:o}", "result", j);
}

static json_t *hk_op(const struct side_env *env, void *state, const char *op, json_t *req,
		     char *why, size_t whylen)
{
	struct hk_side *s = state;

	(void)env;
	if (!strcmp(op, "hk_open"))
		return hk_open(s, req, why, whylen);
	if (!strcmp(op, "hk_accept"))
		return hk_accept(s, req, why, whylen);
	if (!strcmp(op, "hk_close")) {
		side_stop_reader(s);
		path_close(s->skel, &s->p);
		return json_pack("{s:i}", "got", atomic_load(&s->rx.got));
	}
	if (!strcmp(op, "hk_rows"))
		return hk_rows(s, req, why, whylen);
	if (!strcmp(op, "hk_stats"))
		return hk_stats(s);
	return hk_testrun(s, req);
}

static const struct side_op hk_ops[] = {
	{ "hk_up", SIDE_UP, "`part` (stats, reach)", "`caps` (`nrs`, `sdr` and why not)",
	  "hooks' server side: the empty XDP and TC programs with BPF run-time statistics on "
	  "(stats), or the stamping ones and the netif_receive_skb / sk_data_ready tracepoint "
	  "programs (reach)" },
	{ "hk_open", SIDE_OP, "`tcp`, `busy`, `skskb`, `n`", "",
	  "a socket on port 40001 (UDP bound, TCP listening), the verdict program in its sockmap "
	  "(UDP; stats: always the empty one), a reader thread on one CPU (UDP); clears n stamp "
	  "slots" },
	{ "hk_accept", SIDE_OP, "`skskb`", "",
	  "TCP: takes the generator's connection (into the sockmap with `skskb`) and starts the "
	  "reader; waits for it at most 10 s" },
	{ "hk_close", SIDE_OP, "", "`got`",
	  "stops the reader, closes the sockets; the probes it read" },
	{ "hk_rows", SIDE_OP, "`from`, `count` (1..500)", "`rows`",
	  "per probe: `[nrs, tc, sdr, skskb, reader]` in ns after its XDP stamp (-1: not stamped), "
	  "or null when XDP did not stamp it; all on this host's clock" },
	{ "hk_stats", SIDE_OP, "", "`stats`",
	  "`[run_time_ns, run_cnt]` of the empty XDP, TC and sk_skb programs" },
	{ "hk_testrun", SIDE_OP, "`quick`, `samples`", "`result`",
	  "the empty programs' cost by test-run on this host" },
	{ "hk_down", SIDE_DOWN, "", "", "removes the programs, the sockets and the reader" },
	{ 0 },
};

static const struct side_leave hk_leaves[] = {
	{ "the hooks' TC filter", false, HOOKS_TC_HANDLE, HOOKS_TC_PRIORITY },
	{ 0 },
};

const struct exp_side hooks_side = {
	.prefix = "hk_",
	.ops = hk_ops,
	.leaves = hk_leaves,
	.up = hk_up,
	.op = hk_op,
	.down = hk_down,
};
