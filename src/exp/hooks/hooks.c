// SPDX-License-Identifier: GPL-2.0
/*
 * hooks (paper Table 1): what entering an empty program costs at XDP, TC and SK_SKB, and how
 * long a packet takes to reach each hook and the socket, on the testbed's veth pair.
 */
#include <errno.h>
#include <linux/btf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "exp/hooks/hooks.h"
#include "exp/hooks/hooks_exp.h"
#include "lib/attach.h"
#include "lib/bpfutil.h"
#include "lib/cpu.h"
#include "lib/log.h"
#include "lib/pkt.h"
#include "testbed/testbed.h"
#include "hooks.skel.h"
#include "lib/util.h"

#include "exp/hooks/hooks_int.h"

static bool kernel_has_btf_type(const char *name)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool found;

	if (!btf)
		return false;
	found = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) >= 0;
	btf__free(btf);
	return found;
}

static void probe_caps(struct hooks_bpf *skel, struct caps *c)
{
	memset(c, 0, sizeof(*c));
	c->nrs = kernel_has_btf_type("btf_trace_netif_receive_skb");
	c->sdr = kernel_has_btf_type("btf_trace_sk_data_ready");
	if (!c->nrs) {
		snprintf(c->why_nrs, sizeof(c->why_nrs),
			 "this kernel's BTF has no netif_receive_skb tracepoint");
		bpf_program__set_autoload(skel->progs.olab_hooks_nrs_stamp, false);
	}
	if (!c->sdr) {
		snprintf(c->why_sdr, sizeof(c->why_sdr),
			 "this kernel has no sk_data_ready tracepoint (added in Linux 6.3)");
		bpf_program__set_autoload(skel->progs.olab_hooks_sdr_stamp, false);
	}
}

void hooks_setup(struct hooks_bpf *skel, struct caps *c)
{
	skel->rodata->cfg_port = HOOKS_PORT;
	probe_caps(skel, c);
}

int hooks_prepare(struct exp_ctx *x)
{
	hooks_setup(x->skel, x->priv);
	return 0;
}

int hooks_run(struct exp_ctx *x)
{
	const struct run_opts *o = x->o;
	struct result *r = x->r;
	struct hooks_bpf *skel = x->skel;
	struct tb *tb = x->tb;
	int err;

	if (x->remote)
		return hooks_run_remote(x);
	err = testrun_cost(skel, o, r);
	if (!err)
		err = live_stats(skel, tb, o, r);
	if (!err)
		err = live_reach(skel, x->priv, tb, o, r);
	if (err)
		return err;
	result_note(r, "live path: veth between two namespaces, native XDP on the dut end; the "
		       "paper's origin is the mlx5 driver, here XDP runs in veth's NAPI poll");
	result_note(r,
		    "placement: veth delivers on the sender's CPU (cpu %d); the socket reader "
		    "runs on cpu %d, so a sleeping reader pays a cross-CPU wake-up",
		    tb->gen_cpu, tb->dut_cpu);
	result_note(r, "stamps: bpf_ktime_get_ns() at each hook and CLOCK_MONOTONIC in user "
		       "space, matched per packet by sequence number");
	return 0;
}
