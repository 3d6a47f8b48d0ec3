/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, parser glue: the tokenizer under bpf_loop, and where a packet's flow and payload are. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_PARSE_BPF_H
#define OLAB_KVC_PARSE_BPF_H

#ifndef KVC_INLINE
/* the parser's tokenizer, one byte per bpf_loop step (verified once) */
struct tokctx {
	const __u8 *b;
	__u32 len;
	struct mc_tokens t;
};

static long tok_cb(__u32 i, struct tokctx *c)
{
	if (i >= c->len)
		return 1;
	return mc_tok_step(c->b, i, &c->t);
}

static __always_inline void mc_tokenize(const __u8 *b, __u32 len, struct mc_tokens *t)
{
	struct tokctx c = { .b = b, .len = len > MC_BUF ? MC_BUF : len };

	mc_tok_init(&c.t);
	bpf_loop(MC_BUF, tok_cb, &c, 0);
	__builtin_memcpy(t, &c.t, sizeof(*t));
}
#endif

/* ---- packets ---- */

/* The client's side of a packet, and where its payload is. */
struct flow {
	struct kvc_conn_key ck;
	__u32 l4off, poff, plen;
	__u32 tseq;
	__u8 proto, v6, syn, fin;
	__u8 vlan, exthdr; /* VLAN tags, IPv6 extension headers: never answered */
	__u8 opaque;	   /* the first fragment of a datagram: what it carries is unread */
};

/* parse_flow: not memcached's traffic, or memcached's but not readable here */
#define PF_NOT_OURS -1
#define PF_UNKNOWN -2 /* may be for memcached, but where its ports are cannot be read */

/* An IPv6 extension header parse_flow steps over. */
static __always_inline int ip6_ext(__u8 nh)
{
	return nh == 0 /* hop-by-hop */ || nh == 43 /* routing */ || nh == 60 /* destination */ ||
	       nh == 51 /* AH */ || nh == 44 /* fragment */;
}

/*
 * Parse Ethernet (up to two VLAN tags), IPv4 (options) or IPv6 (extension headers), UDP or
 * TCP, from raw bytes at hdr (the first 128 bytes of the frame); client_is_src: ingress.
 * 0 if it is memcached's; f->opaque when it is but its payload is not all here (the first
 * fragment of a datagram the stack will reassemble). A later fragment (no ports in it) is
 * PF_NOT_OURS: its datagram was judged at its first fragment, which reassembly waits for.
 */
static __always_inline int parse_flow(const __u8 *hdr, __u32 frame_len, int client_is_src,
				      struct flow *f)
{
	__u32 l3 = sizeof(struct ethhdr), l4, tot, i;
	__u16 proto = (__u16)(hdr[12] << 8 | hdr[13]), sport, dport;

	__builtin_memset(f, 0, sizeof(*f));
	/* 802.1Q / 802.1ad tags: the kernel still delivers such frames to a VLAN device */
	for (i = 0; i < 2; i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		proto = (__u16)(hdr[(l3 + 2) & 127] << 8 | hdr[(l3 + 3) & 127]);
		l3 += 4;
		f->vlan = 1;
	}
	if (proto == ETH_P_IP) {
		const struct iphdr *ip = (const void *)(hdr + (l3 & 63));
		__u16 frag = bpf_ntohs(ip->frag_off);

		if (ip->ihl < 5)
			return PF_NOT_OURS;
		if (frag & 0x1fff)
			return PF_NOT_OURS; /* a later fragment */
		if (frag & 0x2000)
			f->opaque = 1; /* the first fragment: more of the datagram to come */
		l4 = l3 + ip->ihl * 4;
		tot = l3 + bpf_ntohs(ip->tot_len);
		f->proto = ip->protocol;
		f->ck.addr[0] = client_is_src ? ip->saddr : ip->daddr;
	} else if (proto == ETH_P_IPV6) {
		const struct ipv6hdr *ip6 = (const void *)(hdr + (l3 & 63));
		__u8 nh = ip6->nexthdr;

		l4 = l3 + sizeof(*ip6);
		tot = l4 + bpf_ntohs(ip6->payload_len);
		f->v6 = 1;
		__builtin_memcpy(f->ck.addr, client_is_src ? &ip6->saddr : &ip6->daddr, 16);
		for (i = 0; i < 4; i++) {
			__u32 o = l4 & 127;

			if (!ip6_ext(nh))
				break;
			if (l4 + 8 > 120)
				return PF_UNKNOWN; /* the ports lie past what was read */
			if (nh == 44) {
				if ((hdr[(o + 2) & 127] << 8 | hdr[(o + 3) & 127]) & 0xfff8)
					return PF_NOT_OURS; /* a later fragment */
				if (hdr[(o + 3) & 127] & 1)
					f->opaque = 1;
				nh = hdr[o];
				l4 += 8;
			} else {
				__u32 len = nh == 51 ? ((__u32)hdr[(o + 1) & 127] + 2) * 4
						     : ((__u32)hdr[(o + 1) & 127] + 1) * 8;

				nh = hdr[o];
				l4 += len;
			}
			f->exthdr = 1;
		}
		if (ip6_ext(nh))
			return PF_UNKNOWN;
		if (l4 > tot)
			return PF_NOT_OURS; /* headers longer than the packet: the stack drops it */
		f->proto = nh;
	} else {
		return PF_NOT_OURS;
	}
	if (l4 > 100)
		return f->proto == IPPROTO_UDP || f->proto == IPPROTO_TCP || f->exthdr
			       ? PF_UNKNOWN
			       : PF_NOT_OURS;
	if (tot > frame_len)
		return PF_NOT_OURS; /* the stack drops a frame shorter than its IP length */
	/*
	 * The same bound again, where the verifier sees it on the register used below (the
	 * compiler would drop a plain repeat of the test above).
	 */
	asm volatile("%0 &= 127" : "+r"(l4));
	if (l4 > 100)
		return PF_NOT_OURS;
	f->l4off = l4;
	if (f->proto == IPPROTO_UDP) {
		const struct udphdr *u = (const void *)(hdr + l4);
		__u32 ulen = bpf_ntohs(u->len);

		sport = u->source;
		dport = u->dest;
		f->poff = l4 + sizeof(*u);
		/*
		 * The stack drops a datagram whose UDP length runs past the IP payload and trims
		 * one whose UDP length is shorter: memcached reads ulen - 8 bytes. (Only a
		 * datagram whose lengths agree is ever answered: olab_adm_check.) A first fragment
		 * holds only the start of the datagram.
		 */
		if (!f->opaque) {
			if (ulen < sizeof(*u) || l4 + ulen > tot)
				return PF_NOT_OURS;
			tot = l4 + ulen;
		}
	} else if (f->proto == IPPROTO_TCP) {
		const struct tcphdr *t = (const void *)(hdr + l4);

		sport = t->source;
		dport = t->dest;
		f->poff = l4 + t->doff * 4;
		f->tseq = bpf_ntohl(t->seq);
		f->syn = t->syn;
		f->fin = t->fin || t->rst;
	} else {
		return PF_NOT_OURS;
	}
	if ((client_is_src ? dport : sport) != bpf_htons(cfg_port))
		return PF_NOT_OURS;
	if (f->poff > tot)
		return f->opaque ? PF_UNKNOWN : PF_NOT_OURS;
	f->ck.port = client_is_src ? sport : dport;
	f->plen = tot - f->poff;
	return 0;
}

/* The next piece of a flow's payload from off: at most MC_BUF bytes; *rest is all that is left. */
static __always_inline __u32 kvc_chunk(const struct flow *f, __u32 off, __u32 *rest)
{
	*rest = f->plen - off;
	return *rest > MC_BUF ? MC_BUF : *rest;
}

/* Loads n (1..512) bytes of the payload at off into s->req with load (xdp or skb): 0 or <0. */
#define KVC_LOAD(load, ctx, s, f, off, n)                                                          \
	load(ctx, ((f)->poff + (off)) & 0xffff, (s)->req, bounded((n)-1, 511) + 1)

#endif
