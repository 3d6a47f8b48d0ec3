/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet parsing for XDP and TC programs with direct packet access. Works after vmlinux.h
 * (tracing objects that also stamp packets) or on its own with the UAPI headers.
 */
#ifndef OLAB_PKT_BPF_H
#define OLAB_PKT_BPF_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#endif
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* The UAPI defines these as macros, which vmlinux.h cannot carry. */
#define OLAB_ETH_P_IP 0x0800
#define OLAB_ETH_P_IPV6 0x86DD
#define OLAB_IPPROTO_TCP 6
#define OLAB_IPPROTO_UDP 17

struct olab_l4 {
	void *l3;	 /* IPv4 or IPv6 header */
	void *l4;	 /* UDP or TCP header */
	void *payload;	 /* first byte after the L4 header */
	__u16 eth_proto; /* host order */
	__u8 ip_proto;
	__u8 pad;
	__u16 sport, dport; /* network order */
};

/*
 * Parse Ethernet, IPv4 (any IHL, no fragments) or IPv6 (no extension headers), then UDP or
 * TCP. Returns 0 with every field set, or -1 for anything else, including truncated packets.
 */
/* The IPv4 header checksum (options-free header), to store after changing the header. */
static __always_inline __u16 olab_ip_csum(struct iphdr *ip)
{
	__u16 *w = (__u16 *)ip;
	__u32 sum = 0;
	int i;

	ip->check = 0;
	for (i = 0; i < 10; i++)
		sum += w[i];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

static __always_inline int olab_parse(void *data, void *data_end, struct olab_l4 *out)
{
	struct ethhdr *eth = data;
	struct udphdr *udp;
	struct tcphdr *tcp;
	void *l4;

	if ((void *)(eth + 1) > data_end)
		return -1;
	out->eth_proto = bpf_ntohs(eth->h_proto);
	out->l3 = eth + 1;
	if (out->eth_proto == OLAB_ETH_P_IP) {
		struct iphdr *ip = out->l3;
		__u32 ihl;

		if ((void *)(ip + 1) > data_end)
			return -1;
		ihl = ip->ihl * 4;
		if (ip->version != 4 || ihl < sizeof(*ip) || ihl > 60)
			return -1;
		/* a non-first fragment has no L4 header; a first one has only part of the data */
		if (ip->frag_off & bpf_htons(0x3fff))
			return -1;
		out->ip_proto = ip->protocol;
		l4 = (char *)ip + ihl;
	} else if (out->eth_proto == OLAB_ETH_P_IPV6) {
		struct ipv6hdr *ip6 = out->l3;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		out->ip_proto = ip6->nexthdr;
		l4 = ip6 + 1;
	} else {
		return -1;
	}
	out->l4 = l4;
	if (out->ip_proto == OLAB_IPPROTO_UDP) {
		udp = l4;
		if ((void *)(udp + 1) > data_end)
			return -1;
		out->sport = udp->source;
		out->dport = udp->dest;
		out->payload = udp + 1;
		return 0;
	}
	if (out->ip_proto == OLAB_IPPROTO_TCP) {
		__u32 doff;

		tcp = l4;
		if ((void *)(tcp + 1) > data_end)
			return -1;
		doff = tcp->doff * 4;
		if (doff < sizeof(*tcp) || doff > 60)
			return -1;
		out->sport = tcp->source;
		out->dport = tcp->dest;
		out->payload = (char *)l4 + doff;
		if (out->payload > data_end)
			return -1;
		return 0;
	}
	return -1;
}

#endif
