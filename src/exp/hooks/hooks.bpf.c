// SPDX-License-Identifier: GPL-2.0
/*
 * hooks: stamp probe packets with CLOCK_MONOTONIC at every hook they pass (XDP, the
 * netif_receive_skb tracepoint, TC ingress, sk_data_ready, the sk_skb verdict), and empty
 * programs whose entry cost is measured by test-run and bpf_stats.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "olab_pkt.bpf.h"
#include "exp/hooks/hooks.h"

#define XDP_PASS_ 2
#define TC_ACT_OK_ 0
#define SK_PASS_ 1

/* destination port of probe packets, host order; 0 matches any */
const volatile __u16 cfg_port = 0;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, HOOKS_SLOTS);
	__type(key, __u32);
	__type(value, struct hooks_slot);
} stamps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32); /* a socket fd on update */
} socks SEC(".maps");

static __always_inline void stamp(__u32 seq, int hp, __u64 now)
{
	__u32 k = seq % HOOKS_SLOTS;
	struct hooks_slot *s;

	if (hp < 0 || hp >= HP_MAX)
		return;
	s = bpf_map_lookup_elem(&stamps, &k);
	if (!s)
		return;
	/* first stamp wins: a retransmission or a re-read must not move it */
	if (s->seq1[hp] == seq + 1)
		return;
	s->t[hp] = now;
	s->seq1[hp] = seq + 1;
}

static __always_inline int port_ok(__u16 dport_be)
{
	return !cfg_port || bpf_ntohs(dport_be) == cfg_port;
}

/* Probe in a packet seen with direct access (XDP and TC). */
static __always_inline void stamp_direct(void *data, void *data_end, int hp, __u64 now)
{
	struct hooks_probe *p;
	struct olab_l4 l4;

	if (olab_parse(data, data_end, &l4) || !port_ok(l4.dport))
		return;
	p = l4.payload;
	if ((void *)(p + 1) > data_end || p->magic != HOOKS_MAGIC)
		return;
	stamp(p->seq, hp, now);
}

SEC("xdp")
int olab_hooks_xdp_stamp(struct xdp_md *ctx)
{
	__u64 now = bpf_ktime_get_ns();

	stamp_direct((void *)(long)ctx->data, (void *)(long)ctx->data_end, HP_XDP, now);
	return XDP_PASS_;
}

SEC("tc")
int olab_hooks_tc_stamp(struct __sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();

	stamp_direct((void *)(long)skb->data, (void *)(long)skb->data_end, HP_TC, now);
	return TC_ACT_OK_;
}

/*
 * Tracing programs see kernel memory, not a packet: read the headers at computed offsets.
 * l4 points at the UDP or TCP header.
 */
static __always_inline void stamp_l4(const unsigned char *l4, __u8 proto, int hp, __u64 now)
{
	struct hooks_probe p;
	__u16 dport;
	__u32 hlen = 8;

	if (proto == OLAB_IPPROTO_TCP) {
		__u8 doff;

		if (bpf_probe_read_kernel(&doff, 1, l4 + 12))
			return;
		hlen = (doff >> 4) * 4;
		if (hlen < 20)
			return;
	} else if (proto != OLAB_IPPROTO_UDP) {
		return;
	}
	if (bpf_probe_read_kernel(&dport, sizeof(dport), l4 + 2) || !port_ok(dport))
		return;
	if (bpf_probe_read_kernel(&p, sizeof(p), l4 + hlen) || p.magic != HOOKS_MAGIC)
		return;
	stamp(p.seq, hp, now);
}

/* At netif_receive_skb the MAC header has been pulled: skb->data is the IP header. */
SEC("tp_btf/netif_receive_skb")
int BPF_PROG(olab_hooks_nrs_stamp, struct sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();
	const unsigned char *l3 = BPF_CORE_READ(skb, data);
	__u8 vihl, proto;

	if (bpf_probe_read_kernel(&vihl, 1, l3))
		return 0;
	if ((vihl >> 4) == 4) {
		if (bpf_probe_read_kernel(&proto, 1, l3 + 9))
			return 0;
		stamp_l4(l3 + (vihl & 0xf) * 4, proto, HP_NRS, now);
	} else if ((vihl >> 4) == 6) {
		if (bpf_probe_read_kernel(&proto, 1, l3 + 6))
			return 0;
		stamp_l4(l3 + 40, proto, HP_NRS, now);
	}
	return 0;
}

/* sk_data_ready runs right after the skb is queued: the queue's tail is the new data. */
SEC("tp_btf/sk_data_ready")
int BPF_PROG(olab_hooks_sdr_stamp, struct sock *sk)
{
	__u64 now = bpf_ktime_get_ns();
	struct sk_buff *skb = BPF_CORE_READ(sk, sk_receive_queue.prev);
	__u8 proto = BPF_CORE_READ(sk, sk_protocol);
	unsigned char *head;
	__u16 th;

	if (!skb || (void *)skb == (void *)&sk->sk_receive_queue)
		return 0;
	head = BPF_CORE_READ(skb, head);
	th = BPF_CORE_READ(skb, transport_header);
	if (th == 0xffff)
		return 0;
	stamp_l4(head + th, proto, HP_SDR, now);
	return 0;
}

/*
 * The verdict program sees the payload (TCP) or the UDP datagram; look for the probe at the
 * start and just after a UDP header.
 */
SEC("sk_skb")
int olab_hooks_skskb_stamp(struct __sk_buff *skb)
{
	__u64 now = bpf_ktime_get_ns();
	struct hooks_probe p;

	if (bpf_skb_load_bytes(skb, 0, &p, sizeof(p)) == 0 && p.magic == HOOKS_MAGIC)
		stamp(p.seq, HP_SKSKB, now);
	else if (bpf_skb_load_bytes(skb, 8, &p, sizeof(p)) == 0 && p.magic == HOOKS_MAGIC)
		stamp(p.seq, HP_SKSKB, now);
	return SK_PASS_;
}

/* Empty programs: the cost of entering and leaving each hook. */
SEC("xdp")
int olab_hooks_xdp_empty(struct xdp_md *ctx)
{
	return XDP_PASS_;
}

SEC("tc")
int olab_hooks_tc_empty(struct __sk_buff *skb)
{
	return TC_ACT_OK_;
}

SEC("sk_skb")
int olab_hooks_skskb_empty(struct __sk_buff *skb)
{
	return SK_PASS_;
}

char LICENSE[] SEC("license") = "GPL";
