// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS and nothing else: for the client's end of a veth in front of the kvcache, where
 * frames sent back with XDP_TX are only received by a veth that has an XDP program itself.
 * Load it with: ip link set dev DEV xdpdrv obj build/bpf/kvcache/xdp_pass.bpf.o sec xdp
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int olab_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
