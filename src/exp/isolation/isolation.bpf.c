// SPDX-License-Identifier: GPL-2.0
/*
 * isolation: a neighbour application offloaded to XDP shares the receive path with a plain
 * echo server. Its packets (cfg_neigh_port) cost loop_iters iterations of work each and are
 * consumed in XDP; everything else passes to the stack.
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_pkt.bpf.h"

const volatile __u16 cfg_neigh_port = 9100;
/* the neighbour's per-packet cost, changed between sweep points */
__u32 loop_iters = 0;
__u64 neigh_pkts = 0;
__u64 sink = 0;

static long work(__u32 i, void *ctx)
{
	__u64 *acc = ctx;

	/* a dependent chain the compiler cannot fold away */
	*acc = (*acc ^ (*acc << 13)) + i;
	*acc ^= *acc >> 7;
	return 0;
}

SEC("xdp")
int olab_iso_neigh(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct olab_l4 l4;
	__u64 acc = 1;

	if (olab_parse(data, data_end, &l4) || l4.ip_proto != OLAB_IPPROTO_UDP ||
	    bpf_ntohs(l4.dport) != cfg_neigh_port)
		return XDP_PASS;
	if (loop_iters)
		bpf_loop(loop_iters, work, &acc, 0);
	__sync_fetch_and_add(&neigh_pkts, 1);
	sink += acc;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
