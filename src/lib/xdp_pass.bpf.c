// SPDX-License-Identifier: GPL-2.0
/*
 * XDP_PASS and nothing else, the one such program (xdp_pass_attach() in lib/attach.c): the
 * empty XDP program bandwidth measures, the carrier that gives echo's variants one NAPI path,
 * and the client's end of a veth in front of an XDP_TX program (the kvcache, echo), where
 * frames sent back are only received by a veth that has an XDP program itself.
 * Load it with: ip link set dev DEV xdpdrv obj build/bpf/lib/xdp_pass.bpf.o sec xdp
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int olab_xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
