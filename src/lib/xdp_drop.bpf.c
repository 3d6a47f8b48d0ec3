// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_DROP and nothing else: the cheapest receiver there is, the sink against which the XDP
 * load generator's own rate is measured, and a server that answers nothing.
 * Load it with: ip link set dev DEV xdpdrv obj build/bpf/lib/xdp_drop.bpf.o sec xdp
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int olab_xdp_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
