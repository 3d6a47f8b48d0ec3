// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server's XDP program: UDP datagrams over IPv4 to the server's port go
 * to the AF_XDP socket of the queue they arrived on; everything else (other ports, TCP, IPv6,
 * IP fragments, frames longer than a UMEM frame takes, a queue without a socket) goes on to
 * the kernel stack untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "afxdp_kv/afxdp_kv.h"

const volatile __u16 cfg_port = 11211;

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, AKV_MAX_QUEUES);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, AKV_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} akv_counters SEC(".maps");

static __always_inline int count(__u32 what, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&akv_counters, &what);

	if (c)
		*c += 1;
	return verdict;
}

SEC("xdp")
int olab_akv_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end || data_end - data > AKV_RX_MAX ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return count(AKV_PASSED, XDP_PASS);
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(cfg_port))
		return count(AKV_PASSED, XDP_PASS);
	count(AKV_REDIRECTED, 0);
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
