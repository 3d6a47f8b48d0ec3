/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Admission for XDP programs that answer requests themselves (the kvcache, the AF_XDP
 * key-value server): a request is answered only when the kernel would deliver it to the
 * server's socket and would send the server's reply back the way the frame came. Everything
 * else goes on to the kernel, which decides as it always would (docs/kvcache.md, "Security
 * model").
 *
 * Where the reply would go is the kernel's own answer, read off the server's replies: a TC
 * egress program records, for every reply the server's socket sends, the device, the source
 * address the kernel chose and both MACs (olab_adm_learn). bpf_fib_lookup would give the same
 * without a reply to learn from, but it answers BPF_FIB_LKUP_RET_FWD_DISABLED on every host
 * that does not forward (checked on 6.18), that is on every ordinary server. A request is
 * answered only if it comes from the MAC the kernel sent the last reply to (within
 * route_ttl_ns), on that device, to the address the kernel answered from: so the reply goes
 * exactly where the kernel's would, and its destination is a unicast address of this host
 * that the kernel uses (never 127.0.0.1, never a broadcast).
 *
 * Include after the UAPI headers (linux/bpf.h, if_ether.h, in.h) and bpf_helpers.h. A
 * program may define OLAB_ADM_FUNC (the checksum function's linkage) before including.
 */
#ifndef OLAB_ADMIT_BPF_H
#define OLAB_ADMIT_BPF_H

#include "olab_admit.h"

#ifndef OLAB_ADM_FUNC
#define OLAB_ADM_FUNC __noinline
#endif

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct olab_adm_cfg);
} adm_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct olab_adm_addr);
	__type(value, struct olab_adm_route);
} adm_routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct olab_adm_lpm4);
	__type(value, __u8);
} adm_allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct olab_adm_lpm6);
	__type(value, __u8);
} adm_allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct olab_adm_addr);
	__type(value, struct olab_adm_rate);
} adm_rate SEC(".maps");

/* Room to stage the datagram for its checksum: 512 bytes at a time, and a word of padding. */
#define OLAB_ADM_CHUNK 512
#define OLAB_ADM_CHUNKS                                                                            \
	18 /* datagrams up to 9216 bytes are checked; longer ones are not answered */
struct olab_adm_buf {
	__u8 b[OLAB_ADM_CHUNK + 4];
};

static __always_inline __u32 olab_adm_fold(__u32 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return s;
}

/*
 * The one's-complement sum (as bpf_csum_diff keeps it) of the ulen bytes of the datagram at
 * l4 in the frame, from seed; -1 when it cannot be read. A global function by default:
 * verified once.
 */
OLAB_ADM_FUNC int olab_adm_csum(struct xdp_md *ctx, struct olab_adm_buf *buf, __u32 l4, __u32 ulen,
				__u32 seed)
{
	__u32 i, j, s = seed;

	if (!ctx || !buf || ulen > OLAB_ADM_CHUNK * OLAB_ADM_CHUNKS)
		return -1;
	for (i = 0; i < OLAB_ADM_CHUNKS; i++) {
		__u32 off = i * OLAB_ADM_CHUNK, n, sz;
		__s64 r;

		if (off >= ulen)
			break;
		n = ulen - off > OLAB_ADM_CHUNK ? OLAB_ADM_CHUNK : ulen - off;
		{
			/* 1..512, with the bound on the register the verifier checks */
			__u64 x = n - 1;

			asm volatile("%0 &= 511" : "+r"(x));
			if (bpf_xdp_load_bytes(ctx, (l4 + off) & 0xffff, buf->b, (__u32)x + 1))
				return -1;
		}
		/* the last piece, zero padded to a whole word (the sum's unit) */
		for (j = 0; j < 3; j++) {
			if (!((n + j) & 3))
				break;
			buf->b[(n + j) & (OLAB_ADM_CHUNK - 1)] = 0;
		}
		sz = (n + 3) & ~3u;
		if (sz < 4 || sz > OLAB_ADM_CHUNK)
			return -1;
		r = bpf_csum_diff(NULL, 0, (__be32 *)buf->b, sz, s);
		if (r < 0)
			return -1;
		s = (__u32)r;
	}
	return (int)olab_adm_fold(s);
}

static __always_inline int olab_adm_eq(const __u8 *a, const __u8 *b, __u32 n)
{
	__u32 i;

	for (i = 0; i < 16; i++) {
		if (i >= n)
			break;
		if (a[i] != b[i])
			return 0;
	}
	return 1;
}

/*
 * Does the UDP checksum of a datagram (plain IPv4 or IPv6 header at 14, hdr its first bytes,
 * ulen its length) hold as the kernel checks it? A missing one is fine over IPv4 only; a
 * local sender's partial sum (the pseudo-header's) only when partial_ok.
 */
static __always_inline int olab_adm_udp_ok(struct xdp_md *ctx, const __u8 *hdr, int v6, __u32 ulen,
					   int partial_ok, struct olab_adm_buf *buf)
{
	__u32 l4 = v6 ? 14 + 40 : 14 + 20, pseudo;
	__be32 ph[2];
	__u16 check;
	int full;

	__builtin_memcpy(&check, hdr + l4 + 6, 2);
	if (!check)
		return !v6;
	/* the pseudo-header: both addresses, then the protocol and the length */
	if (!v6) {
		ph[0] = bpf_htonl(IPPROTO_UDP << 16 | ulen);
		pseudo = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)(hdr + 26), 8, 0);
		pseudo = (__u32)bpf_csum_diff(NULL, 0, ph, 4, pseudo);
	} else {
		ph[0] = bpf_htonl(ulen);
		ph[1] = bpf_htonl(IPPROTO_UDP);
		pseudo = (__u32)bpf_csum_diff(NULL, 0, (__be32 *)(hdr + 22), 32, 0);
		pseudo = (__u32)bpf_csum_diff(NULL, 0, ph, 8, pseudo);
	}
	full = olab_adm_csum(ctx, buf, l4, ulen, pseudo);
	/*
	 * A local sender on a virtual device (veth, a container's peer) leaves its partial sum,
	 * the pseudo-header's, for the receiver to complete: the stack takes it
	 * (CHECKSUM_PARTIAL). It cannot be told apart in XDP, and is taken only there.
	 */
	return full == 0xffff || (partial_ok && (__u16)olab_adm_fold(pseudo) == check);
}

/* The token bucket of cfg->rate answers a second for src: 0, or OLAB_ADM_RATE. */
static __always_inline __u32 olab_adm_take(const struct olab_adm_cfg *cfg,
					   const struct olab_adm_addr *src, __u64 now)
{
	__u64 cap = (__u64)cfg->burst * 1000000000ULL, t;
	struct olab_adm_rate *rt = bpf_map_lookup_elem(&adm_rate, src);

	if (!rt) {
		struct olab_adm_rate fresh = { .tokens = cap, .last_ns = now };

		bpf_map_update_elem(&adm_rate, src, &fresh, BPF_NOEXIST);
		rt = bpf_map_lookup_elem(&adm_rate, src);
		if (!rt)
			return OLAB_ADM_RATE;
	}
	t = rt->tokens;
	if (now > rt->last_ns)
		t += (now - rt->last_ns) * cfg->rate;
	if (t > cap)
		t = cap;
	rt->last_ns = now;
	if (t < 1000000000ULL) {
		rt->tokens = t;
		return OLAB_ADM_RATE;
	}
	rt->tokens = t - 1000000000ULL;
	return 0;
}

/* Sources the kernel drops on input (martians), or that no client can have; dst: the frame's. */
static __always_inline int olab_adm_martian(const struct olab_adm_addr *src, const __u8 *dst)
{
	if (!src->v6) {
		__u32 a = bpf_ntohl(src->addr[0]);

		/* 0/8, loopback, multicast, class E and 255.255.255.255; and the server itself */
		return (a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14 ||
		       olab_adm_eq((const __u8 *)src->addr, dst, 4);
	}
	if ((bpf_ntohl(src->addr[0]) >> 24) == 0xff)
		return 1; /* multicast */
	if (!src->addr[0] && !src->addr[1] &&
	    ((!src->addr[2] && (!src->addr[3] || src->addr[3] == bpf_htonl(1))) ||
	     src->addr[2] == bpf_htonl(0xffff)))
		return 1; /* unspecified, loopback, an IPv4-mapped address */
	return olab_adm_eq((const __u8 *)src->addr, dst, 16);
}

/*
 * May XDP answer this UDP request itself? hdr holds the frame's first hlen bytes (at least
 * through the UDP header), flen is the frame's length. 0, or why it goes to the kernel.
 */
static __always_inline __u32 olab_adm_check(struct xdp_md *ctx, const __u8 *hdr, __u32 hlen,
					    __u32 flen, struct olab_adm_buf *buf, __u64 now)
{
	struct olab_adm_addr src = {};
	struct olab_adm_route *rt;
	struct olab_adm_cfg *cfg;
	__u32 zero = 0, l4, ulen, iplen, dst;
	__u16 proto = (__u16)(hdr[12] << 8 | hdr[13]);

	cfg = bpf_map_lookup_elem(&adm_cfg, &zero);
	if (!cfg || !cfg->ifindex || cfg->ifindex != ctx->ingress_ifindex)
		return OLAB_ADM_NOT_LOCAL;
	if (hdr[6] & 1)
		return OLAB_ADM_BAD_SRC; /* a multicast or broadcast source MAC */
	if (proto == ETH_P_IP) {
		__u32 sum = 0, i;

		if ((hdr[14] >> 4) != 4)
			return OLAB_ADM_BAD_FRAME;
		if (hdr[14] != 0x45 || (hdr[20] & 0x3f) || hdr[21] || hdr[23] != IPPROTO_UDP)
			return OLAB_ADM_UNUSUAL; /* options, a fragment, not UDP */
		for (i = 0; i < 10; i++)
			sum += (__u32)hdr[14 + 2 * i] << 8 | hdr[15 + 2 * i];
		if (olab_adm_fold(sum) != 0xffff)
			return OLAB_ADM_BAD_FRAME;
		iplen = (__u32)hdr[16] << 8 | hdr[17];
		l4 = 14 + 20;
		ulen = (__u32)hdr[l4 + 4] << 8 | hdr[l4 + 5];
		if (hlen < l4 + 8 || iplen < 20 + 8 || 14 + iplen > flen || ulen != iplen - 20)
			return OLAB_ADM_BAD_FRAME;
		__builtin_memcpy(&src.addr[0], hdr + 26, 4);
		dst = 30;
	} else if (proto == ETH_P_IPV6) {
		if ((hdr[14] >> 4) != 6)
			return OLAB_ADM_BAD_FRAME;
		if (hdr[20] != IPPROTO_UDP)
			return OLAB_ADM_UNUSUAL; /* extension headers, not UDP */
		iplen = (__u32)hdr[18] << 8 | hdr[19];
		l4 = 14 + 40;
		ulen = (__u32)hdr[l4 + 4] << 8 | hdr[l4 + 5];
		if (hlen < l4 + 8 || iplen < 8 || l4 + iplen > flen || ulen != iplen)
			return OLAB_ADM_BAD_FRAME;
		src.v6 = 1;
		__builtin_memcpy(src.addr, hdr + 22, 16);
		dst = 38;
	} else {
		return OLAB_ADM_UNUSUAL;
	}
	if (olab_adm_martian(&src, hdr + dst))
		return OLAB_ADM_BAD_SRC;
	/* the kernel's own reply would go out of this device, to this MAC, from this address */
	rt = bpf_map_lookup_elem(&adm_routes, &src);
	if (!rt || rt->learnt_ns + (cfg->route_ttl_ns ?: OLAB_ADM_ROUTE_TTL_NS) <= now ||
	    rt->ifindex != ctx->ingress_ifindex || !olab_adm_eq(rt->dmac, hdr + 6, 6) ||
	    !olab_adm_eq(rt->smac, hdr, 6) ||
	    !olab_adm_eq((const __u8 *)rt->local, hdr + dst, src.v6 ? 16 : 4))
		return OLAB_ADM_NO_ROUTE;
	/* the kernel drops a datagram whose checksum does not hold (over IPv6, one without) */
	if (!olab_adm_udp_ok(ctx, hdr, src.v6, ulen, cfg->csum_partial, buf))
		return OLAB_ADM_BAD_CSUM;
	if (cfg->allow_only) {
		if (!src.v6) {
			struct olab_adm_lpm4 k = { .prefixlen = 32 };

			__builtin_memcpy(k.addr, src.addr, 4);
			if (!bpf_map_lookup_elem(&adm_allow4, &k))
				return OLAB_ADM_REFUSED;
		} else {
			struct olab_adm_lpm6 k = { .prefixlen = 128 };

			__builtin_memcpy(k.addr, src.addr, 16);
			if (!bpf_map_lookup_elem(&adm_allow6, &k))
				return OLAB_ADM_REFUSED;
		}
	}
	return cfg->rate ? olab_adm_take(cfg, &src, now) : 0;
}

/*
 * TC egress: a frame the server's own socket sent (bound to port, host order) records the
 * kernel's route back to its destination. Frames built elsewhere (a packet socket, AF_XDP)
 * teach nothing: they are not the kernel's answer.
 */
static __always_inline void olab_adm_learn(struct __sk_buff *skb, const __u8 *hdr, __u32 hlen,
					   __u16 port, __u64 now)
{
	struct olab_adm_route r = { .learnt_ns = now, .ifindex = skb->ifindex };
	struct olab_adm_addr dst = {};
	struct olab_adm_route *old;
	struct bpf_sock *sk = skb->sk;
	__u16 proto = (__u16)(hdr[12] << 8 | hdr[13]);

	if (!sk)
		return;
	sk = bpf_sk_fullsock(sk);
	if (!sk || sk->src_port != port || (sk->type != 1 /* STREAM */ && sk->type != 2) ||
	    (sk->family != 2 /* AF_INET */ && sk->family != 10))
		return;
	if (hdr[0] & 1)
		return; /* to a broadcast or multicast MAC: no client's */
	if (proto == ETH_P_IP && hlen >= 34 && (hdr[14] >> 4) == 4) {
		__builtin_memcpy(r.local, hdr + 26, 4);
		__builtin_memcpy(dst.addr, hdr + 30, 4);
	} else if (proto == ETH_P_IPV6 && hlen >= 54 && (hdr[14] >> 4) == 6) {
		dst.v6 = 1;
		__builtin_memcpy(r.local, hdr + 22, 16);
		__builtin_memcpy(dst.addr, hdr + 38, 16);
	} else {
		return;
	}
	__builtin_memcpy(r.dmac, hdr, 6);
	__builtin_memcpy(r.smac, hdr + 6, 6);
	old = bpf_map_lookup_elem(&adm_routes, &dst);
	if (old && old->ifindex == r.ifindex && olab_adm_eq(old->dmac, r.dmac, 6) &&
	    olab_adm_eq(old->smac, r.smac, 6) &&
	    olab_adm_eq((const __u8 *)old->local, (const __u8 *)r.local, 16)) {
		old->learnt_ns = now;
		return;
	}
	bpf_map_update_elem(&adm_routes, &dst, &r, BPF_ANY);
}

#endif
