// SPDX-License-Identifier: GPL-2.0
/*
 * isolation's server side (exp/side.h): a sleeping UDP echo server and the neighbour's XDP
 * program on the device, its NAPI as a thread on the dut CPU; in place of that neighbour, on
 * request, the paper's: memcached with the kvcache. The same code here on the testbed's dut
 * end and on the other host by the agent.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "exp/isolation/isolation_exp.h"
#include "exp/isolation/isolation_int.h"
#include "exp/side.h"
#include "kvcache/kvc.h"
#include "kvcache/kvcache.h"
#include "lib/attach.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "isolation.skel.h"
#include "kvcache.skel.h"

/* The kvcache neighbour: memcached with the cache attached, on the device. */
struct kvc_nb {
	struct kvc k;
	int pid;
};

static void kvc_nb_down(struct tb *tb, struct kvc_nb *n)
{
	if (n->k.skel && !tb_enter(tb, TB_DUT)) {
		kvc_detach(&n->k);
		tb_leave(tb);
	}
	memset(&n->k, 0, sizeof(n->k));
	if (n->pid > 0)
		tb_stop(tb, n->pid, 1000);
	n->pid = 0;
}

static int kvc_nb_up(struct tb *tb, struct kvc_nb *n, char *why, size_t whylen)
{
	char *argv[] = { "memcached", "-u",    "root", "-l", tb->dut.ip, "-p", "11211",
			 "-U",	      "11211", "-t",   "1",  "-m",	 "64", NULL };
	char mcpath[4096];
	int err;

	memset(n, 0, sizeof(*n));
	if (tb_which("memcached", mcpath, sizeof(mcpath))) {
		snprintf(why, whylen, "memcached is not installed (scripts/install-deps.sh)");
		return -ENOENT;
	}
	if (tb_port_taken(tb, 11211)) {
		snprintf(why, whylen, "port 11211 on %s is taken already (a memcached of its own?)",
			 tb->dut.ip);
		return -EADDRINUSE;
	}
	argv[0] = mcpath;
	n->pid = tb_spawn(tb, TB_DUT, tb->dut_cpu, argv);
	err = n->pid > 0 ? 0 : n->pid;
	if (!err)
		err = tb_enter(tb, TB_DUT);
	if (!err) {
		err = kvc_attach(tb->dut.ifname, 11211, 4096, &n->k);
		tb_leave(tb);
	}
	/* the cache's XDP is a new program on the dut's device: its NAPI thread is new too */
	if (!err && tb_napi_pin(tb, TB_DUT, tb->dut_cpu, false) <= 0)
		log_warn("isolation: the kvcache neighbour's NAPI thread could not be pinned");
	if (err) {
		snprintf(why, whylen, "memcached and the kvcache: %s", strerror(-err));
		kvc_nb_down(tb, n);
	}
	return err;
}

static uint64_t kvc_nb_hits(struct kvc_nb *n)
{
	uint64_t cnt[KVC_NCOUNTERS] = { 0 };

	if (n->k.skel)
		kvc_counters(bpf_map__fd(n->k.skel->maps.counters), cnt);
	return cnt[KVC_HIT];
}

/* ---- the side: the echo server and the neighbour on the device ---- */

struct iso_side {
	struct isolation_bpf *skel;
	struct tb *tb;
	struct bpf_link *xdp;
	struct esrv srv;
	int napi;
	struct kvc_nb kn; /* the kvcache neighbour, once it replaced the XDP one */
};

/*
 * The neighbour's XDP and the echo server on the device, both applications' packets
 * processed on the dut's CPU, where the server runs.
 */
static int side_attach(struct iso_side *a)
{
	const struct tb *tb = a->tb;
	struct sockaddr_in echo = { .sin_family = AF_INET,
				    .sin_port = htons(ECHO_PORT),
				    .sin_addr.s_addr = tb->dut.addr };
	int err = tb_enter(tb, TB_DUT);

	if (err)
		return err;
	a->xdp = att_xdp(a->skel->progs.olab_iso_neigh, tb->dut.ifindex, tb->dut.ifname);
	err = a->xdp ? esrv_start(&a->srv, LG_UDP, (struct sockaddr *)&echo, sizeof(echo), false,
				  tb->dut_cpu)
		     : -EIO;
	tb_leave(tb);
	if (!err)
		a->napi = tb_napi_pin(tb, TB_DUT, tb->dut_cpu, false);
	return err;
}

static json_t *iso_down(const struct side_env *env, void *state)
{
	struct iso_side *a = state;

	(void)env;
	if (!a)
		return NULL;
	kvc_nb_down(a->tb, &a->kn);
	esrv_stop(&a->srv);
	bpf_link__destroy(a->xdp);
	isolation_bpf__destroy(a->skel);
	free(a);
	return NULL;
}

static json_t *iso_up(const struct side_env *env, json_t *req, void **state, char *why,
		      size_t whylen)
{
	struct iso_side *a = calloc(1, sizeof(*a));
	const char *dev = env->tb->dut.ifname;
	int err;

	(void)req;
	if (!a) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	a->srv.fd = a->srv.conn = -1;
	a->napi = -1;
	a->tb = env->tb;
	side_announce(env,
		      "isolation: a UDP echo server on port 7100 and a neighbour's XDP program "
		      "(port 9100) on %s, threaded NAPI on one CPU",
		      dev);
	a->skel = isolation_bpf__open();
	err = a->skel ? 0 : -errno;
	if (!err) {
		a->skel->rodata->cfg_neigh_port = NEIGH_PORT;
		err = isolation_bpf__load(a->skel);
	}
	if (!err)
		err = side_attach(a);
	if (err) {
		snprintf(why, whylen, "set up the echo server and the neighbour on %s: %s", dev,
			 strerror(-err));
		iso_down(env, a);
		return NULL;
	}
	*state = a;
	return json_pack("{s:i}", "napi", a->napi);
}

/* The kvcache neighbour in place of the XDP one: memcached on the device's address, the cache. */
static json_t *kvc_up(const struct side_env *env, struct iso_side *a, char *why, size_t whylen)
{
	char others[200] = "";

	if (a->kn.pid > 0) {
		snprintf(why, whylen, "the kvcache neighbour is up already");
		return NULL;
	}
	/* the interfaces beside the device in its namespace, where the cache goes too */
	if (!tb_enter(env->tb, TB_DUT)) {
		dev_others(env->tb->dut.ifname, others, sizeof(others));
		tb_leave(env->tb);
	}
	side_announce(env,
		      "isolation: the XDP neighbour off %s; memcached (1 worker, 64 MB) on its "
		      "address, port 11211, and the kvcache (XDP and a TC egress filter) on it and "
		      "on every other interface of this host: %s",
		      env->tb->dut.ifname, others);
	bpf_link__destroy(a->xdp);
	a->xdp = NULL;
	return kvc_nb_up(a->tb, &a->kn, why, whylen) ? NULL : json_object();
}

static json_t *iso_op(const struct side_env *env, void *state, const char *op, json_t *req,
		      char *why, size_t whylen)
{
	struct iso_side *a = state;

	if (!strcmp(op, "iso_kvc_up"))
		return kvc_up(env, a, why, whylen);
	if (!strcmp(op, "iso_kvc_hits"))
		return json_pack("{s:I}", "hits", (json_int_t)kvc_nb_hits(&a->kn));
	if (!strcmp(op, "iso_iters")) {
		json_int_t it = json_integer_value(json_object_get(req, "iters"));

		if (it < 0 || it > 100000) {
			snprintf(why, whylen, "iso_iters takes iters 0..100000");
			return NULL;
		}
		a->skel->bss->loop_iters = (unsigned int)it;
		return json_object();
	}
	return json_pack("{s:I}", "pkts", (json_int_t)a->skel->bss->neigh_pkts);
}

static const struct side_op iso_ops[] = {
	{ "iso_up", SIDE_UP, "", "`napi`",
	  "isolation's server side: a sleeping UDP echo server on port 7100 and the neighbour's "
	  "XDP program (port 9100) on the device, its NAPI as a thread on one CPU" },
	{ "iso_iters", SIDE_OP, "`iters` (0..100000)", "", "the neighbour's work per datagram" },
	{ "iso_pkts", SIDE_OP, "", "`pkts`", "the datagrams the neighbour's program has seen" },
	{ "iso_kvc_up", SIDE_OP, "", "",
	  "the paper's neighbour in place of the XDP one: memcached (one worker, port 11211 on the "
	  "device's address; refused where the port is taken) with the kvcache (on every interface "
	  "of the host, named in the announcement)" },
	{ "iso_kvc_hits", SIDE_OP, "", "`hits`", "the GETs the kvcache neighbour answered" },
	{ "iso_down", SIDE_DOWN, "", "",
	  "removes the program (or memcached and the cache) and the server" },
	{ 0 },
};

const struct exp_side isolation_side = {
	.prefix = "iso_",
	.ops = iso_ops,
	.up = iso_up,
	.op = iso_op,
	.down = iso_down,
};
