// SPDX-License-Identifier: GPL-2.0
/*
 * preproc: XDP truncates the payload of UDP datagrams for the sink's port by cut_pct percent
 * before the stack sees them (bpf_xdp_adjust_tail, IP and UDP lengths and the IP checksum
 * fixed). The datagrams come from the load generator's XDP engine (src/loadgen).
 */
#include <linux/bpf.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_counters.bpf.h"
#include "olab_pkt.bpf.h"
#include "exp/preproc/preproc.h"

const volatile __u16 cfg_port = 9;
/* changed between sweep points while loaded, hence not in .rodata */
__u32 cut_pct = 0;

OLAB_COUNTERS(PP_COUNTERS)

SEC("xdp")
int olab_pp_trunc(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct olab_l4 l4;
	struct iphdr *ip;
	struct udphdr *udp;
	__u32 ulen, plen, cut, pct = cut_pct;

	if (olab_parse(data, data_end, &l4) || l4.eth_proto != OLAB_ETH_P_IP ||
	    l4.ip_proto != OLAB_IPPROTO_UDP || bpf_ntohs(l4.dport) != cfg_port) {
		count(PP_OTHER);
		return XDP_PASS;
	}
	ip = l4.l3;
	udp = l4.l4;
	if ((void *)(ip + 1) > data_end || (void *)(udp + 1) > data_end || ip->ihl != 5) {
		count(PP_OTHER);
		return XDP_PASS;
	}
	ulen = bpf_ntohs(udp->len);
	if (ulen < sizeof(*udp) || (void *)udp + ulen > data_end) {
		count(PP_OTHER);
		return XDP_PASS;
	}
	plen = ulen - sizeof(*udp);
	cut = pct >= 100 ? plen : plen * pct / 100;
	if (cut) {
		udp->len = bpf_htons((__u16)(ulen - cut));
		udp->check = 0; /* optional for IPv4; the generator sends none either */
		ip->tot_len = bpf_htons((__u16)(bpf_ntohs(ip->tot_len) - cut));
		ip->check = olab_ip_csum(ip);
		if (bpf_xdp_adjust_tail(ctx, -(int)cut))
			return XDP_PASS; /* headers say shorter; the stack trims the rest */
	}
	count(PP_CUT);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
