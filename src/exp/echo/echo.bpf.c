// SPDX-License-Identifier: GPL-2.0
/*
 * UDP echo answered inside the kernel at three hooks: XDP (swap addresses, XDP_TX), TC ingress
 * (swap, redirect out of the same device) and SK_SKB (redirect the payload to the socket's
 * egress). Anything that is not a well-formed request for cfg_port is passed on untouched.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_counters.bpf.h"
#include "olab_pkt.bpf.h"
#include "exp/echo/echo.h"

/* UDP (and, for SK_SKB, TCP) port served, host order */
const volatile __u16 cfg_port = 7;

OLAB_COUNTERS(ECHO_COUNTERS)

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} socks SEC(".maps");

static __always_inline void swap_mac(struct ethhdr *eth)
{
	__u8 tmp[ETH_ALEN];

	__builtin_memcpy(tmp, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
	__builtin_memcpy(eth->h_dest, tmp, ETH_ALEN);
}

/*
 * Swap addresses and ports of a parsed UDP request in place. Checks that the IP and UDP
 * lengths agree with the frame; returns the UDP length, or 0 for a malformed request.
 */
static __always_inline __u32 swap_udp(struct olab_l4 *l4, void *data_end)
{
	struct udphdr *udp = l4->l4;
	__u32 ulen = bpf_ntohs(udp->len);
	__u16 port;

	if (ulen < sizeof(*udp) || (void *)udp + ulen > data_end)
		return 0;
	/* the verifier does not tie eth_proto to the bounds olab_parse() checked: re-check */
	if (l4->eth_proto == OLAB_ETH_P_IP) {
		struct iphdr *ip = l4->l3;
		__u32 a;

		if ((void *)(ip + 1) > data_end)
			return 0;
		a = ip->saddr;
		if ((void *)ip + bpf_ntohs(ip->tot_len) < (void *)udp + ulen)
			return 0;
		ip->saddr = ip->daddr;
		ip->daddr = a;
	} else {
		struct ipv6hdr *ip6 = l4->l3;
		struct in6_addr a;

		if ((void *)(ip6 + 1) > data_end)
			return 0;
		a = ip6->saddr;
		if (bpf_ntohs(ip6->payload_len) < ulen)
			return 0;
		ip6->saddr = ip6->daddr;
		ip6->daddr = a;
	}
	port = udp->source;
	udp->source = udp->dest;
	udp->dest = port;
	return ulen;
}

static __always_inline __u32 fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u32)sum;
}

/*
 * Full UDP checksum of the (already swapped) datagram. On veth the sender's checksum is often
 * only the pseudo-header part (TX offload), so the reply's checksum cannot be derived from it.
 */
static __always_inline int udp_csum(struct olab_l4 *l4, __u32 ulen, void *data_end)
{
	struct udphdr *udp = l4->l4;
	__u64 sum = 0;
	__u32 i;

	if (ulen > ECHO_MAX_UDP)
		return -1;
	if (l4->eth_proto == OLAB_ETH_P_IP) {
		struct iphdr *ip = l4->l3;

		if ((void *)(ip + 1) > data_end)
			return -1;
		sum += (ip->saddr >> 16) + (ip->saddr & 0xffff);
		sum += (ip->daddr >> 16) + (ip->daddr & 0xffff);
	} else {
		struct ipv6hdr *ip6 = l4->l3;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		for (i = 0; i < 4; i++) {
			sum += (ip6->saddr.in6_u.u6_addr32[i] >> 16) +
			       (ip6->saddr.in6_u.u6_addr32[i] & 0xffff);
			sum += (ip6->daddr.in6_u.u6_addr32[i] >> 16) +
			       (ip6->daddr.in6_u.u6_addr32[i] & 0xffff);
		}
	}
	/* addresses were added in network order as 16-bit words; so are the rest */
	sum += bpf_htons(OLAB_IPPROTO_UDP) + udp->len;
	if ((void *)(udp + 1) > data_end)
		return -1;
	udp->check = 0;
	for (i = 0; i < ECHO_MAX_UDP / 2; i++) {
		__u16 *w = (void *)udp + i * 2;

		if (i * 2 + 1 >= ulen || (void *)(w + 1) > data_end)
			break;
		sum += *w;
	}
	if (ulen & 1) {
		__u8 *last = (void *)udp + ((ulen - 1) & 0xfff);

		if ((void *)(last + 1) > data_end)
			return -1;
		sum += *last; /* the odd byte is the high half of a word padded with zero */
	}
	udp->check = ~fold(sum) & 0xffff;
	if (!udp->check)
		udp->check = 0xffff;
	return 0;
}

SEC("xdp")
int olab_echo_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct olab_l4 l4;
	__u32 ulen;

	if (olab_parse(data, data_end, &l4) || l4.ip_proto != OLAB_IPPROTO_UDP ||
	    bpf_ntohs(l4.dport) != cfg_port) {
		count(ECHO_NOT_OURS);
		return XDP_PASS;
	}
	ulen = swap_udp(&l4, data_end);
	if (!ulen || udp_csum(&l4, ulen, data_end)) {
		/* swap_udp() wrote nothing when it failed; udp_csum() fails only before writing */
		count(ECHO_MALFORMED);
		return XDP_PASS;
	}
	swap_mac(data);
	count(ECHO_REPLIED);
	return XDP_TX;
}

/*
 * TC: swapping addresses and ports leaves both checksums valid (they are sums), including a
 * partial one from TX offload, so no checksum work is needed here.
 */
SEC("tc")
int olab_echo_tc(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	struct olab_l4 l4;

	if (olab_parse(data, data_end, &l4) || l4.ip_proto != OLAB_IPPROTO_UDP ||
	    bpf_ntohs(l4.dport) != cfg_port) {
		count(ECHO_NOT_OURS);
		return TC_ACT_OK;
	}
	if (!swap_udp(&l4, data_end)) {
		count(ECHO_MALFORMED);
		return TC_ACT_OK;
	}
	swap_mac(data);
	count(ECHO_REPLIED);
	return bpf_redirect(skb->ifindex, 0);
}

/* SK_SKB: the socket's own payload goes straight back out of the same socket. */
SEC("sk_skb")
int olab_echo_skskb(struct __sk_buff *skb)
{
	count(ECHO_REPLIED);
	return bpf_sk_redirect_map(skb, &socks, 0, 0);
}

char LICENSE[] SEC("license") = "GPL";
