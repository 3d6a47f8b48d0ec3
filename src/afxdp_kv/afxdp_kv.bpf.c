// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server's programs.
 * - olab_akv_redirect (XDP): a UDP datagram over IPv4 to the server's port goes to the AF_XDP
 *   socket of the queue it arrived on, if the server may answer it itself: the admission
 *   rules the kvcache applies to its hits (olab_admit.bpf.h: what the kernel would deliver to
 *   the server's socket, from where the kernel would send the reply, the allow-list, the
 *   source's rate). Everything else (other ports, TCP, IPv6, IP fragments, frames longer than
 *   a UMEM frame takes, a request the admission leaves to the kernel, a queue without a
 *   socket) goes on to the kernel stack untouched, and a request for the port reaches the
 *   server's UDP socket that way, if the kernel delivers it.
 * - olab_akv_learn (TC egress): what the server sends through its UDP socket shows where the
 *   kernel sends a reply to each client: the admission's reply routes.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "afxdp_kv/afxdp_kv.h"

const volatile __u16 cfg_port = 11211;

#include "olab_admit.bpf.h"

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

/* The first bytes of a frame, and room to sum a datagram: per CPU. */
struct akv_scratch {
	__u8 hdr[128];
	struct olab_adm_buf buf;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct akv_scratch);
} akv_scratch SEC(".maps");

static __always_inline int count(__u32 what, int verdict)
{
	__u64 *c = bpf_map_lookup_elem(&akv_counters, &what);

	if (c)
		*c += 1;
	return verdict;
}

/* n (1..128) with the bound on the register itself, where the verifier sees it */
static __always_inline __u32 upto128(__u32 n)
{
	__u64 x = n - 1;

	asm volatile("%0 &= 127" : "+r"(x));
	return (__u32)x + 1;
}

SEC("xdp")
int olab_akv_redirect(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__u32 zero = 0, flen = (__u32)(data_end - data), v;
	struct akv_scratch *s;
	struct udphdr *udp;

	if ((void *)(ip + 1) > data_end || data_end - data > AKV_RX_MAX ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return count(AKV_PASSED, XDP_PASS);
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(cfg_port))
		return count(AKV_PASSED, XDP_PASS);
	s = bpf_map_lookup_elem(&akv_scratch, &zero);
	if (!s || bpf_xdp_load_bytes(ctx, 0, s->hdr, upto128(flen > 128 ? 128 : flen)))
		return count(AKV_PASSED, XDP_PASS);
	v = olab_adm_check(ctx, s->hdr, flen > 128 ? 128 : flen, flen, &s->buf, bpf_ktime_get_ns());
	if (v) {
		count(AKV_ADMISSION + (v < OLAB_ADM_NVERDICTS ? v : 0), 0);
		return count(AKV_PASSED, XDP_PASS);
	}
	count(AKV_REDIRECTED, 0);
	return bpf_redirect_map(&xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("tc")
int olab_akv_learn(struct __sk_buff *skb)
{
	__u32 zero = 0, hn = skb->len > 128 ? 128 : skb->len;
	struct akv_scratch *s = bpf_map_lookup_elem(&akv_scratch, &zero);

	if (s && hn >= 34 && !bpf_skb_load_bytes(skb, 0, s->hdr, upto128(hn)))
		olab_adm_learn(skb, s->hdr, hn, cfg_port, bpf_ktime_get_ns());
	return TC_ACT_UNSPEC; /* a reader: whatever comes after it still runs */
}

char LICENSE[] SEC("license") = "GPL";
