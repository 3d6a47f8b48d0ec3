// SPDX-License-Identifier: GPL-2.0
/*
 * The cheapest server there is for the kv experiment's requests: answer every UDP
 * "get KEY\r\n" on the port with a hit of the same size as the kvcache's ("VALUE KEY 0 N\r\n",
 * N bytes, "\r\nEND\r\n") by XDP_TX, with no lookup, no parser and no state. Its throughput is
 * the generator's ceiling for these sizes on this path, and what a cache hit could reach at
 * best (kv.tput.ceiling). Anything else passes on to the stack.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_pkt.bpf.h"

#define KEY_MAX 32
#define TAIL_MAX 128
#define HDRS (sizeof(struct ethhdr) + sizeof(struct iphdr) + sizeof(struct udphdr))
#define FRAME_HDR 8 /* memcached's UDP frame header */
#define OUT_MAX 256

const volatile __u16 port = 11211;
/* " 0 N\r\n", N bytes of value, "\r\nEND\r\n": written by the loader for the value size */
const volatile __u8 tail[TAIL_MAX];
const volatile __u32 tail_len;

SEC("xdp")
int olab_kv_ceiling(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	/* the reply is built 2 bytes in, so that its IP header is 4-byte aligned on the stack */
	__u8 *p = (void *)(udp + 1), buf[OUT_MAX + 8] __attribute__((aligned(8))), key[KEY_MAX];
	__u8 *out = buf + 2;
	__u32 klen, i, o, len, tl = tail_len;
	__u8 mac[ETH_ALEN];
	__be32 a;
	int delta;

	if ((void *)(p + FRAME_HDR + 4) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(port) ||
	    p[FRAME_HDR] != 'g' || p[FRAME_HDR + 1] != 'e' || p[FRAME_HDR + 2] != 't' ||
	    p[FRAME_HDR + 3] != ' ' || tl > TAIL_MAX)
		return XDP_PASS;
	/* the key: up to the line's end */
	for (klen = 0; klen < KEY_MAX; klen++) {
		__u8 *c = p + FRAME_HDR + 4 + klen;

		if ((void *)(c + 1) > data_end)
			return XDP_PASS;
		if (*c == '\r')
			break;
		key[klen] = *c;
	}
	if (klen == 0 || klen == KEY_MAX)
		return XDP_PASS;
	/* the reply, headers included, on the stack */
	if (bpf_xdp_load_bytes(ctx, 0, out, HDRS + FRAME_HDR))
		return XDP_PASS;
	o = HDRS + FRAME_HDR;
	__builtin_memcpy(out + o, "VALUE ", 6);
	o += 6;
	for (i = 0; i < KEY_MAX; i++) {
		if (i >= klen)
			break;
		out[(o + i) & (OUT_MAX - 1)] = *(volatile __u8 *)&key[i]; /* not a memcpy */
	}
	o += klen;
	for (i = 0; i < TAIL_MAX; i++) {
		if (i >= tl)
			break;
		out[(o + i) & (OUT_MAX - 1)] = tail[i];
	}
	o += tl;
	len = o;
	/* the frame's new size; with no room at the tail (veth's generic path), at the head */
	delta = (int)len - (int)(data_end - data);
	if (bpf_xdp_adjust_tail(ctx, delta) && (delta <= 0 || bpf_xdp_adjust_head(ctx, -delta)))
		return XDP_PASS;
	{
		struct ethhdr *e = (void *)out;
		struct iphdr *h = (void *)(e + 1);
		struct udphdr *u = (void *)(h + 1);
		__u8 *f = (void *)(u + 1);

		__builtin_memcpy(mac, e->h_source, ETH_ALEN);
		__builtin_memcpy(e->h_source, e->h_dest, ETH_ALEN);
		__builtin_memcpy(e->h_dest, mac, ETH_ALEN);
		a = h->saddr;
		h->saddr = h->daddr;
		h->daddr = a;
		h->tot_len = bpf_htons((__u16)(len - sizeof(struct ethhdr)));
		h->ttl = 64;
		h->check = olab_ip_csum(h);
		{
			__be16 s = u->source;

			u->source = u->dest;
			u->dest = s;
		}
		u->len = bpf_htons((__u16)(len - sizeof(struct ethhdr) - sizeof(struct iphdr)));
		u->check = 0;
		/* the request id stays; sequence 0 of 1 datagram, reserved 0 */
		f[2] = 0;
		f[3] = 0;
		f[4] = 0;
		f[5] = 1;
		f[6] = 0;
		f[7] = 0;
	}
	if (len < HDRS || len >= OUT_MAX)
		return XDP_ABORTED;
	if (bpf_xdp_store_bytes(ctx, 0, out, len & (OUT_MAX - 1)))
		return XDP_ABORTED;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
