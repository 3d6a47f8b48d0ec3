// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: the kvcache neighbour's server side (memcached with the cache, on the dut or on
 * the server's host) and the agent's end of the experiment (two hosts).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "exp/isolation/isolation_exp.h"
#include "exp/isolation/isolation_int.h"
#include "kvcache/kvc.h"
#include "lib/log.h"
#include "testbed/testbed.h"
#include "isolation.skel.h"
#include "kvcache.skel.h"

/* The kvcache neighbour's server side: memcached with the cache attached, on the dut. */
void kvc_nb_down(struct tb *tb, struct kvc_nb *n)
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

int kvc_nb_up(struct tb *tb, struct kvc_nb *n, char *why, size_t whylen)
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

uint64_t kvc_nb_hits(struct kvc_nb *n)
{
	uint64_t cnt[KVC_NCOUNTERS] = { 0 };

	if (n->k.skel)
		kvc_counters(bpf_map__fd(n->k.skel->maps.counters), cnt);
	return cnt[KVC_HIT];
}

/* ---- the agent's end (two hosts) ---- */

struct iso_agent {
	struct isolation_bpf *skel;
	struct tb tb;
	struct bpf_link *xdp;
	struct esrv srv;
	int napi;
	struct kvc_nb kn; /* the kvcache neighbour, once it replaced the XDP one */
};

int isolation_side_up(const char *dev, struct iso_agent **out, char *why, size_t whylen)
{
	struct iso_agent *a = calloc(1, sizeof(*a));
	int err;

	*out = NULL;
	if (!a)
		return -ENOMEM;
	a->srv.fd = a->srv.conn = -1;
	err = tb_attach_host(&a->tb, TB_DUT, dev, NULL, NULL);
	a->skel = err ? NULL : isolation_bpf__open();
	if (!err && !a->skel)
		err = -errno;
	if (!err) {
		a->skel->rodata->cfg_neigh_port = NEIGH_PORT;
		err = isolation_bpf__load(a->skel);
	}
	if (!err)
		err = iso_side_up(a->skel, &a->tb, &a->xdp, &a->srv, &a->napi);
	if (err) {
		snprintf(why, whylen, "set up the echo server and the neighbour on %s: %s", dev,
			 strerror(-err));
		isolation_side_down(a);
		return err;
	}
	*out = a;
	return 0;
}

void isolation_side_iters(struct iso_agent *a, unsigned int iters)
{
	a->skel->bss->loop_iters = iters;
}

uint64_t isolation_side_pkts(struct iso_agent *a)
{
	return a->skel->bss->neigh_pkts;
}

/* The kvcache neighbour in place of the XDP one: memcached on the device's address, the cache. */
int isolation_side_kvc_up(struct iso_agent *a, char *why, size_t whylen)
{
	if (a->kn.pid > 0) {
		snprintf(why, whylen, "the kvcache neighbour is up already");
		return -EBUSY;
	}
	bpf_link__destroy(a->xdp);
	a->xdp = NULL;
	return kvc_nb_up(&a->tb, &a->kn, why, whylen);
}

uint64_t isolation_side_kvc_hits(struct iso_agent *a)
{
	return kvc_nb_hits(&a->kn);
}

void isolation_side_down(struct iso_agent *a)
{
	if (!a)
		return;
	kvc_nb_down(&a->tb, &a->kn);
	esrv_stop(&a->srv);
	bpf_link__destroy(a->xdp);
	isolation_bpf__destroy(a->skel);
	tb_destroy(&a->tb);
	free(a);
}
