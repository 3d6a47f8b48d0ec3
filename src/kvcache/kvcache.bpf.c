// SPDX-License-Identifier: GPL-2.0
/*
 * kvcache: memcached GETs over UDP answered in XDP from a cache map (docs/kvcache.md).
 * - kvc_xdp (ingress): a complete get/gets whose every key is cached, unexpired and of the
 *   current epoch gets memcached's exact reply by XDP_TX; a miss takes fill tickets; every
 *   write command (UDP or TCP) invalidates its keys and opens their write windows before
 *   memcached sees it. Everything passes on untouched unless answered.
 * - kvc_tc (egress): memcached's replies close write windows (UDP by request id, TCP in
 *   order per connection) and fill the cache from UDP GET replies that hold a valid ticket.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "olab_pkt.bpf.h"

/*
 * How the program is put together: as built, the parser and the other large pieces are
 * global functions and the per-key and per-byte loops run under bpf_loop, each verified once.
 * The chain experiment (Table 5) builds the same source two other ways: KC_BPF2BPF makes them
 * static functions (verified at every call), KC_INLINE inlines everything into one body.
 */
#if defined(KC_INLINE)
#define KC_FUNC static __always_inline
#define KC_LOOP(n, cb, ctx)                                                                        \
	do {                                                                                       \
		__u32 _i;                                                                          \
		for (_i = 0; _i < (n); _i++)                                                       \
			if (cb(_i, ctx))                                                           \
				break;                                                             \
	} while (0)
#else
#define MC_TOKENIZE_EXTERNAL
#if defined(KC_BPF2BPF)
#define KC_FUNC static __noinline
#else
#define KC_FUNC __noinline
#endif
#define KC_LOOP(n, cb, ctx) bpf_loop(n, cb, ctx, 0)
#endif
#include "kvcache/kvcache.h"

#ifndef KC_INLINE
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

const volatile __u16 cfg_port = 11211;
__u64 epoch = 1;	/* flush_all moves it: older entries are gone */
__u64 gseq;		/* moves with every global window */
__s64 gopen;		/* global windows open: no fills meanwhile */
__u64 fill_block_until; /* a delayed flush_all: no fills until it has happened */
/*
 * Set when memcached's UDP socket or TCP listener on cfg_port closes (in its network
 * namespace): everything cached goes (the epoch moves) and no GET is answered until a socket
 * binds the port again: a new memcached, empty, whose misses refill the cache.
 */
__u8 server_gone;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KC_BUCKETS);
	__type(key, __u32);
	__type(value, struct kc_fence);
} fence SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct kc_key);
	__type(value, struct kc_meta);
} meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kc_ticket_key);
	__type(value, struct kc_ticket);
} tickets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kc_req_key);
	__type(value, struct kc_pending);
} udp_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct kc_conn_key);
	__type(value, struct kc_conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536); /* set from --capacity before load */
	__type(key, struct kc_key);
	__type(value, struct kc_val);
} cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kc_cfg);
} kc_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, struct kc_addr_key);
	__type(value, __u8);
} local_addrs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct kc_lpm4);
	__type(value, __u8);
} allow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 256);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct kc_lpm6);
	__type(value, __u8);
} allow6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kc_addr_key);
	__type(value, struct kc_rate);
} src_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, KC_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

struct scratch {
	__u8 req[MC_BUF];
	__u8 out[KC_OUT];
	struct kc_key key;
	struct mc_req r;
	struct mc_value v;
	struct kc_val val;
	struct kc_pending pend;
	__u8 hdr[192];	     /* the first bytes of a frame, for the header parse */
	struct kc_conn conn; /* a new connection's state, before it goes into the map */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* v & mask, done on the register itself so that the verifier sees the bound */
static __always_inline __u32 bounded(__u32 v, __u32 mask)
{
	__u64 x = v;

	asm volatile("%0 &= %1" : "+r"(x) : "r"((__u64)mask));
	return (__u32)x;
}

static __always_inline void count(__u32 what)
{
	__u64 *c = bpf_map_lookup_elem(&counters, &what);

	if (c)
		*c += 1;
}

/* Copy key i of r out of req into a zero-padded map key. */
static __always_inline void make_key(struct scratch *s, const struct mc_req *r, __u32 i)
{
	__u32 off = r->koff[i & (MC_MAX_KEYS - 1)], len = r->klen[i & (MC_MAX_KEYS - 1)], j;

	__builtin_memset(&s->key, 0, sizeof(s->key));
	s->key.len = (__u8)len;
	for (j = 0; j < MC_KEY_MAX; j++) {
		if (j >= len)
			break;
		s->key.b[j] = s->req[(off + j) & (MC_BUF - 1)];
	}
}

static __always_inline __u32 put(struct scratch *s, __u32 o, const char *str, __u32 n)
{
	__u32 i;

	for (i = 0; i < 8; i++) {
		if (i >= n)
			break;
		s->out[(o + i) & (KC_OUT - 1)] = (__u8)str[i];
	}
	return o + n;
}

/*
 * A global function: verified once on its own, so its loops do not multiply with the
 * caller's paths (three numbers per key would otherwise exhaust the verifier's budget).
 */
KC_FUNC __u32 kc_put_num(struct scratch *s, __u32 o, __u64 v)
{
	__u64 t = v;
	__u32 n = 1, i;

	if (!s)
		return o;
	for (i = 0; i < 19; i++) {
		if (t < 10)
			break;
		t /= 10;
		n++;
	}
	/* digits from the last one back */
	for (i = 0; i < 20; i++) {
		s->out[(o + n - 1 - i) & (KC_OUT - 1)] = (__u8)('0' + v % 10);
		v /= 10;
		if (i + 1 >= n)
			break;
	}
	return o + n;
}

/* The parser as a global function: verified once, apart from the paths of its caller. */
KC_FUNC int kc_parse(struct scratch *s, __u32 n)
{
	if (!s)
		return MC_UNKNOWN;
	return mc_parse_req(s->req, n, &s->r);
}

/* State of a reply being composed, across the per-key callback (verified once). */
struct compose {
	__u64 now, epoch;
	__u32 o;
	__u32 fail; /* a counter: why the request goes to memcached after all */
};

/* Key i: look it up and append its VALUE item, or set c->fail and stop. */
static long compose_key(__u32 i, struct compose *c)
{
	__u32 zero = 0, klen, o = c->o;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	struct kc_val *v;

	if (!s) {
		c->fail = KC_PARSE_PASS;
		return 1;
	}
	if (i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	v = bpf_map_lookup_elem(&cache, &s->key);
	if (!v || v->epoch != c->epoch || (v->deadline_ns && c->now >= v->deadline_ns) ||
	    (s->r.cmd == MC_GETS && !v->has_cas)) {
		c->fail = KC_MISS;
		return 1;
	}
	klen = s->key.len;
	if (v->len > KC_VAL_MAX || o + klen + v->len + 64 > KC_REPLY_MAX) {
		c->fail = KC_TOO_BIG;
		return 1;
	}
	o = put(s, o, "VALUE ", 6);
	if (bpf_probe_read_kernel(&s->out[o & 2047], klen & 255, s->key.b)) {
		c->fail = KC_PARSE_PASS;
		return 1;
	}
	o += klen;
	o = put(s, o, " ", 1);
	o = kc_put_num(s, o, v->flags);
	o = put(s, o, " ", 1);
	o = kc_put_num(s, o, v->len);
	if (s->r.cmd == MC_GETS) {
		o = put(s, o, " ", 1);
		o = kc_put_num(s, o, v->cas);
	}
	o = put(s, o, "\r\n", 2);
	if (v->len && bpf_probe_read_kernel(&s->out[o & 2047], v->len & 2047, v->data)) {
		c->fail = KC_PARSE_PASS;
		return 1;
	}
	o += v->len;
	o = put(s, o, "\r\n", 2);
	c->o = o;
	return 0;
}

/* ---- write windows (docs/kvcache.md) ---- */

/* The fence bucket of a key: FNV-1a; a global function, verified once. */
KC_FUNC __u32 kc_bucket(struct kc_key *k)
{
	__u32 h = 2166136261u, i;

	if (!k)
		return 0;
	for (i = 0; i < MC_KEY_MAX; i++) {
		if (i >= k->len)
			break;
		h ^= k->b[i];
		h *= 16777619u;
	}
	return h & (KC_BUCKETS - 1);
}

/* seq first, then the caller deletes: a concurrent fill's second check sees one of them */
static __always_inline void open_window(__u32 b)
{
	struct kc_fence *f = bpf_map_lookup_elem(&fence, &b);

	if (f) {
		__sync_fetch_and_add(&f->seq, 1);
		__sync_fetch_and_add(&f->open, 1);
	}
}

static __always_inline void close_window(__u32 b)
{
	struct kc_fence *f = bpf_map_lookup_elem(&fence, &b);

	if (f) {
		__sync_fetch_and_add(&f->open, -1);
		__sync_fetch_and_add(&f->seq, 1);
	}
}

static __always_inline void open_global(void)
{
	__sync_fetch_and_add(&gseq, 1);
	__sync_fetch_and_add(&gopen, 1);
}

static __always_inline void close_global(void)
{
	__sync_fetch_and_add(&gopen, -1);
	__sync_fetch_and_add(&gseq, 1);
}

static __always_inline void close_pending(const struct kc_pending *p)
{
	__u32 i;

	for (i = 0; i < MC_MAX_KEYS; i++) {
		if (i >= p->n)
			break;
		close_window(p->bucket[i]);
	}
	if (p->all)
		close_global();
}

/* What the write in s->r tells about the expiry of s->key (docs/kvcache.md, Expiry). */
static __always_inline void note_expiry(struct scratch *s, __u64 now)
{
	struct kc_meta m = { .epoch = epoch }, *old;
	__s64 e = s->r.exptime;
	__u8 c = s->r.cmd;

	if (c != MC_SET && c != MC_ADD && c != MC_REPLACE && c != MC_CAS && c != MC_TOUCH &&
	    c != MC_GAT && c != MC_GATS)
		return; /* append, prepend, incr, decr keep the item's expiry; delete removes it */
	if (e == 0) {
		m.known = 1;
	} else if (e < 0) {
		m.known = 1;
		m.deadline_ns = 1; /* already expired */
	} else if (e <= 2592000) {
		/* memcached's clock ticks once a second: it may expire a second early */
		m.known = 1;
		m.deadline_ns = now + (__u64)(e - 1) * 1000000000ULL;
		if (m.deadline_ns <= now)
			m.deadline_ns = 1;
	} /* else an absolute Unix time: not cacheable */
	old = bpf_map_lookup_elem(&meta, &s->key);
	if (old && old->epoch != epoch)
		old = NULL; /* learnt before a flush for an unreadable write: not known */
	if ((c == MC_ADD || c == MC_CAS) && old) {
		/* it may fail and leave the old item: keep the earlier of the two deadlines */
		if (!old->known)
			m.known = 0;
		else if (old->deadline_ns && (!m.deadline_ns || old->deadline_ns < m.deadline_ns))
			m.deadline_ns = old->deadline_ns;
	} else if (c == MC_ADD || c == MC_CAS) {
		m.known = 0; /* an item written before we were here may stay */
	}
	bpf_map_update_elem(&meta, &s->key, &m, BPF_ANY);
}

struct invctx {
	__u64 now;
};

/* Key i of the write in scratch: window open, cache entry gone, expiry noted. */
static long inval_key(__u32 i, struct invctx *c)
{
	__u32 zero = 0, b;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);

	if (!s || i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	b = kc_bucket(&s->key);
	open_window(b);
	bpf_map_delete_elem(&cache, &s->key);
	note_expiry(s, c->now);
	s->pend.bucket[i & (MC_MAX_KEYS - 1)] = b;
	s->pend.n = i + 1;
	count(KC_INVALIDATION);
	return 0;
}

/* The write in s->r: invalidate what it may change; s->pend says which windows it opened. */
static __always_inline void invalidate(struct scratch *s, __u64 now)
{
	struct invctx c = { .now = now };

	__builtin_memset(&s->pend, 0, sizeof(s->pend));
	if (s->r.cmd == MC_FLUSH_ALL) {
		__sync_fetch_and_add(&epoch, 1);
		if (s->r.exptime > 0)
			fill_block_until = now + (__u64)(s->r.exptime + 1) * 1000000000ULL;
		open_global();
		s->pend.all = 1;
		count(KC_INVALIDATION);
		return;
	}
	if (s->r.cmd == MC_BAD_WRITE || s->r.more_keys) {
		/* any key may change: flush everything, and no fills until it has run */
		__sync_fetch_and_add(&epoch, 1);
		open_global();
		s->pend.all = 1;
		count(KC_INVALIDATION);
		if (s->r.cmd == MC_BAD_WRITE)
			return;
	}
	KC_LOOP(MC_MAX_KEYS, inval_key, &c);
}

/* ---- tickets: a GET that missed may fill when its reply leaves ---- */

struct tickctx {
	struct kc_ticket_key tk;
	__u64 now;
};

static long ticket_key(__u32 i, struct tickctx *c)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	struct kc_ticket t;
	struct kc_fence *f;

	if (!s || i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	c->tk.bucket = kc_bucket(&s->key);
	f = bpf_map_lookup_elem(&fence, &c->tk.bucket);
	if (!f || f->open || gopen || c->now < fill_block_until)
		return 0; /* a write may be in flight: no fill from this reply */
	t.seq = f->seq;
	t.gseq = gseq;
	t.epoch = epoch;
	bpf_map_update_elem(&tickets, &c->tk, &t, BPF_ANY);
	return 0;
}

/* ---- packets ---- */

/* The client's side of a packet, and where its payload is. */
struct flow {
	struct kc_conn_key ck;
	__u32 l4off, poff, plen;
	__u32 tseq;
	__u8 proto, v6, syn, fin;
	__u8 len_ok; /* UDP: its length matches the IP payload; IPv4: the header checksum holds */
	__u8 vlan, exthdr; /* VLAN tags, IPv6 extension headers: never answered */
	__u8 opaque;	   /* the first fragment of a datagram: what it carries is unread */
};

/* The IPv4 header (options included) sums to 0xffff with its checksum in place. */
static __always_inline int ip4_csum_ok(const __u8 *ip)
{
	__u32 sum = 0, i, words = (ip[0] & 15) * 2;

	for (i = 0; i < 30; i++) {
		if (i >= words)
			break;
		sum += (__u32)ip[(2 * i) & 63] << 8 | ip[(2 * i + 1) & 63];
	}
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return sum == 0xffff;
}

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
		 * one whose UDP length is shorter: memcached reads ulen - 8 bytes. Only a
		 * datagram whose lengths agree (and, over IPv4, whose header checksum holds) is
		 * ever answered. A first fragment holds only the start of the datagram.
		 */
		if (!f->opaque) {
			if (ulen < sizeof(*u) || l4 + ulen > tot)
				return PF_NOT_OURS;
			f->len_ok = l4 + ulen == tot &&
				    (f->v6 || ip4_csum_ok(hdr + ((l3 - 14) & 15) + 14));
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

/* ---- ingress: UDP ---- */

/* One's-complement sum of s->out[0, len) (len rounded up to 4, zero padded), from seed. */
KC_FUNC __u32 kc_csum_out(struct scratch *s, __u32 len, __u32 seed)
{
	__u32 i, sum = seed;

	if (!s || len > KC_REPLY_MAX + 8)
		return seed;
	__builtin_memset(&s->out[len & 2047], 0, 4);
	len = (len + 3) & ~3u;
	for (i = 0; i < 3; i++) {
		__u32 n, off = i * 512;

		if (off >= len)
			break;
		n = len - off > 512 ? 512 : len - off;
		sum = bpf_csum_diff(NULL, 0, (void *)&s->out[off & 1023], bounded(n - 1, 511) + 1,
				    sum);
	}
	return sum;
}

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

/*
 * Answer from the cache if every key hits: XDP_TX, or -1 to pass it on. IPv4 without options
 * or IPv6 without extension headers (l4off says which).
 */
static __always_inline int try_hit(struct xdp_md *ctx, struct scratch *s, __u32 plen, __u64 now,
				   __u32 l4off)
{
	void *data, *data_end;
	struct ethhdr *eth;
	struct udphdr *udp;
	__u32 o;
	int delta, v6 = l4off != sizeof(struct ethhdr) + sizeof(struct iphdr);

	{
		struct compose c = { .now = now, .epoch = epoch };

		KC_LOOP(MC_MAX_KEYS, compose_key, &c);
		if (c.fail) {
			count(c.fail);
			return -1;
		}
		o = c.o;
	}
	o = put(s, o, "END\r\n", 5);
	if (o > KC_REPLY_MAX - (v6 ? 20 : 0)) {
		count(KC_TOO_BIG);
		return -1;
	}
	/* resize to the reply, then rewrite the headers around it */
	delta = (int)o - (int)plen;
	if (bpf_xdp_adjust_tail(ctx, delta)) {
		/*
		 * No room at the tail (a small skb on veth's generic path): take it at the head,
		 * where XDP keeps its headroom, and put the headers back at the new start.
		 */
		if (delta <= 0 || bpf_xdp_adjust_head(ctx, -delta)) {
			count(KC_NO_ROOM);
			return -1;
		}
		if (bpf_xdp_store_bytes(ctx, 0, s->hdr,
					(v6 ? 62 : 42) + MC_UDP_HDR)) /* through the frame header */
			return XDP_ABORTED;
	}
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_ABORTED;
	{
		__u8 mac[ETH_ALEN];

		__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
	}
	if (!v6) {
		struct iphdr *ip = (void *)(eth + 1);
		__u32 a;

		udp = (void *)(ip + 1);
		if ((void *)(udp + 1) > data_end)
			return XDP_ABORTED;
		a = ip->saddr;
		ip->saddr = ip->daddr;
		ip->daddr = a;
		ip->tot_len = bpf_htons((__u16)(sizeof(*ip) + sizeof(*udp) + MC_UDP_HDR + o));
		ip->ttl = 64;
		ip->check = olab_ip_csum(ip);
	} else {
		struct ipv6hdr *ip6 = (void *)(eth + 1);
		struct in6_addr a;

		udp = (void *)(ip6 + 1);
		if ((void *)(udp + 1) > data_end)
			return XDP_ABORTED;
		a = ip6->saddr;
		ip6->saddr = ip6->daddr;
		ip6->daddr = a;
		ip6->payload_len = bpf_htons((__u16)(sizeof(*udp) + MC_UDP_HDR + o));
		ip6->hop_limit = 64;
	}
	{
		__u16 p = udp->source;

		udp->source = udp->dest;
		udp->dest = p;
	}
	udp->len = bpf_htons((__u16)(sizeof(*udp) + MC_UDP_HDR + o));
	udp->check = 0; /* optional over IPv4; IPv6 gets it below */
	{
		/* memcached's own frame header: the request id, then sequence 0 of 1, reserved 0 */
		static const __u8 fh[6] = { 0, 0, 0, 1, 0, 0 };

		if (bpf_xdp_store_bytes(ctx, l4off + sizeof(*udp) + 2, (void *)fh, sizeof(fh)))
			return XDP_ABORTED;
	}
	{
		__u64 len = o;

		/* a bound the verifier sees on the register itself */
		asm volatile("%0 &= 2047" : "+r"(len));
		if (len < 1 || len > KC_REPLY_MAX ||
		    bpf_xdp_store_bytes(ctx, l4off + sizeof(*udp) + MC_UDP_HDR, s->out, (__u32)len))
			return XDP_ABORTED;
	}
	if (v6) {
		/* pseudo-header, UDP header and frame header from the packet, the reply from out */
		struct ipv6hdr *ip6;
		__be32 ph[2];
		__u32 sum;

		data = (void *)(long)ctx->data;
		data_end = (void *)(long)ctx->data_end;
		ip6 = data + sizeof(struct ethhdr);
		udp = (void *)(ip6 + 1);
		if ((void *)udp + sizeof(*udp) + MC_UDP_HDR > data_end)
			return XDP_ABORTED;
		ph[0] = bpf_htonl(sizeof(*udp) + MC_UDP_HDR + o);
		ph[1] = bpf_htonl(IPPROTO_UDP);
		sum = bpf_csum_diff(NULL, 0, (__be32 *)&ip6->saddr, 32, 0);
		sum = bpf_csum_diff(NULL, 0, ph, sizeof(ph), sum);
		sum = bpf_csum_diff(NULL, 0, (__be32 *)udp, sizeof(*udp) + MC_UDP_HDR, sum);
		sum = kc_csum_out(s, o, sum);
		udp->check = csum_fold(sum) ?: 0xffff;
	}
	count(KC_HIT);
	return XDP_TX;
}

/*
 * Whether the hit path may answer this request at all (docs/kvcache.md, "Security model"):
 * it must be addressed to this host (the device's MAC, one of the host's unicast addresses),
 * come from a plausible unicast source, pass the allow-list and the source's rate. Anything
 * else goes on to memcached, which decides as it always would: the cache never answers where
 * memcached would not, and never more often to a source than it is allowed.
 */
static __always_inline __u32 may_answer(struct scratch *s, const struct flow *f, __u64 now)
{
	struct kc_addr_key dst = { .v6 = f->v6 }, src = { .v6 = f->v6 };
	__u32 zero = 0, i;
	struct kc_cfg *cfg = bpf_map_lookup_elem(&kc_config, &zero);
	struct kc_rate *rt;

	if (!cfg)
		return KC_NOT_LOCAL;
	if (server_gone)
		return KC_NO_SERVER; /* memcached would not answer: neither may the cache */
	for (i = 0; i < ETH_ALEN; i++)
		if (s->hdr[i] != cfg->mac[i])
			return KC_NOT_LOCAL; /* another host's frame, broadcast or multicast */
	__builtin_memcpy(src.addr, f->ck.addr, sizeof(src.addr));
	if (!f->v6) {
		__u32 a = bpf_ntohl(src.addr[0]);

		__builtin_memcpy(&dst.addr[0], &s->hdr[14 + 16], 4);
		/* 0/8, loopback, multicast, class E and broadcast are never a client */
		if ((a >> 24) == 0 || (a >> 24) == 127 || (a >> 28) >= 14)
			return KC_NOT_LOCAL;
	} else {
		__builtin_memcpy(dst.addr, &s->hdr[14 + 24], 16);
		if (s->hdr[14 + 8] == 0xff || /* multicast source */
		    (!src.addr[0] && !src.addr[1] && !src.addr[2] &&
		     (!src.addr[3] || src.addr[3] == bpf_htonl(1))))
			return KC_NOT_LOCAL; /* unspecified or loopback */
	}
	if (!bpf_map_lookup_elem(&local_addrs, &dst))
		return KC_NOT_LOCAL; /* not one of this host's addresses (or broadcast) */
	if (cfg->allow_only) {
		if (!f->v6) {
			struct kc_lpm4 k = { .prefixlen = 32 };

			__builtin_memcpy(k.addr, src.addr, 4);
			if (!bpf_map_lookup_elem(&allow4, &k))
				return KC_SRC_REFUSED;
		} else {
			struct kc_lpm6 k = { .prefixlen = 128 };

			__builtin_memcpy(k.addr, src.addr, 16);
			if (!bpf_map_lookup_elem(&allow6, &k))
				return KC_SRC_REFUSED;
		}
	}
	if (!cfg->rate)
		return 0;
	rt = bpf_map_lookup_elem(&src_rate, &src);
	if (!rt) {
		struct kc_rate fresh = { .tokens = (__u64)cfg->burst * 1000000000ULL,
					 .last_ns = now };

		bpf_map_update_elem(&src_rate, &src, &fresh, BPF_NOEXIST);
		rt = bpf_map_lookup_elem(&src_rate, &src);
		if (!rt)
			return KC_RATE_LIMITED;
	}
	{
		__u64 cap = (__u64)cfg->burst * 1000000000ULL, t = rt->tokens;

		if (now > rt->last_ns)
			t += (now - rt->last_ns) * cfg->rate;
		if (t > cap)
			t = cap;
		rt->last_ns = now;
		if (t < 1000000000ULL) {
			rt->tokens = t;
			return KC_RATE_LIMITED;
		}
		rt->tokens = t - 1000000000ULL;
	}
	return 0;
}

/* A get/gets parsed into s->r: answer it from the cache, or take fill tickets and pass it. */
static __always_inline int get_path(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				    const __u8 *h, __u32 plen, __u64 now)
{
	__u32 why;
	int ret;

	if (s->r.more_keys) {
		count(KC_NOT_CACHEABLE);
		return XDP_PASS;
	}
	why = may_answer(s, f, now);
	if (why) {
		count(why);
	} else if (!f->len_ok) {
		count(KC_BAD_FRAME);
	} else if ((f->v6 ? f->l4off == sizeof(struct ethhdr) + sizeof(struct ipv6hdr)
			  : f->l4off == sizeof(struct ethhdr) + sizeof(struct iphdr)) &&
		   s->r.line_len == plen) {
		ret = try_hit(ctx, s, plen, now, f->l4off);
		if (ret >= 0)
			return ret;
	} else {
		count(KC_PARSE_PASS);
	}
	{
		struct tickctx t = { .now = now };

		__builtin_memcpy(t.tk.addr, f->ck.addr, sizeof(t.tk.addr));
		t.tk.port = f->ck.port;
		t.tk.reqid = (__u16)(h[0] | h[1] << 8);
		KC_LOOP(MC_MAX_KEYS, ticket_key, &t);
	}
	return XDP_PASS;
}

#ifdef KC_TAIL
/*
 * The chain experiment's tail-call build: the get path runs as a second program, reached by
 * a tail call (a constant index, or with KC_TAIL_VAR one read at run time); what it needs
 * crosses in the per-CPU scratch, which a tail call keeps (same CPU, same packet).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kc_stages SEC(".maps");

__u32 kc_stage_idx; /* 0, but the verifier cannot know it */

struct tail_state {
	struct flow f;
	__u8 h[MC_UDP_HDR];
	__u32 plen;
	__u64 now;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct tail_state);
} kc_tail_state SEC(".maps");

SEC("xdp")
int kvc_xdp_get(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	struct tail_state *ts = bpf_map_lookup_elem(&kc_tail_state, &zero);

	if (!s || !ts)
		return XDP_PASS;
	return get_path(ctx, s, &ts->f, ts->h, ts->plen, ts->now);
}
#endif

/* No fills until now + ns (a later deadline already set stays). */
static __always_inline void hold_fills(__u64 now, __u64 ns)
{
	if (fill_block_until < now + ns)
		fill_block_until = now + ns;
}

/* A packet that may write anything, with no reply to wait for: flush, and hold fills. */
static __always_inline void flush_hold(__u64 now, __u64 ns)
{
	__sync_fetch_and_add(&epoch, 1);
	hold_fills(now, ns);
}

static __always_inline int udp_in(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				  __u64 now)
{
	__u8 h[MC_UDP_HDR];
	__u32 n, plen;
	int cmd;

	/* memcached ignores a datagram of 8 bytes or less: nothing in it can write */
	if (f->plen < MC_UDP_HDR + 1 || bpf_xdp_load_bytes(ctx, f->poff & 255, h, MC_UDP_HDR)) {
		if (f->opaque) {
			/* a first fragment too short to name its request */
			flush_hold(now, KC_FRAG_HOLD_NS);
			count(KC_OPAQUE);
			return XDP_PASS;
		}
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	/*
	 * memcached refuses a request that says it spans several datagrams (total != 1) and
	 * runs nothing in it; it reads every other datagram whatever its sequence number and
	 * reserved bytes say, so those are parsed here as well.
	 */
	if (h[4] || h[5] != 1) {
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	if (f->opaque) {
		/* the first fragment of a datagram (a large set): its end is not here to read */
		count(KC_OPAQUE);
		goto unreadable;
	}
	plen = f->plen - MC_UDP_HDR;
	n = plen > MC_BUF ? MC_BUF : plen;
	if (n < 1 ||
	    bpf_xdp_load_bytes(ctx, (f->poff + MC_UDP_HDR) & 255, s->req, bounded(n - 1, 511) + 1))
		goto unreadable;
	cmd = kc_parse(s, n);
	/*
	 * memcached runs every command of a datagram. Unless the first command is all there is,
	 * what follows it is unread here and may write anything: treat the datagram as a write
	 * the cache cannot read (flush, no fills until it has been answered).
	 */
	if (!s->r.line_len || mc_req_len(&s->r) != plen)
		goto unreadable;
	if (cmd == MC_GET || cmd == MC_GETS) {
#ifdef KC_TAIL
		__u32 zero = 0;
		struct tail_state *ts = bpf_map_lookup_elem(&kc_tail_state, &zero);

		if (!ts)
			return XDP_PASS;
		ts->f = *f;
		__builtin_memcpy(ts->h, h, sizeof(ts->h));
		ts->plen = plen;
		ts->now = now;
#ifdef KC_TAIL_VAR
		bpf_tail_call(ctx, &kc_stages, kc_stage_idx);
#else
		bpf_tail_call(ctx, &kc_stages, 0);
#endif
		return XDP_PASS; /* no second stage loaded */
#else
		return get_path(ctx, s, f, h, plen, now);
#endif
	}
	if (cmd == MC_UNKNOWN) {
		/* one whole line memcached answers with ERROR, or a command that keeps data */
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	goto write;
unreadable:
	__builtin_memset(&s->r, 0, sizeof(s->r));
	s->r.cmd = MC_BAD_WRITE;
	count(KC_UNREAD_DGRAM);
	/*
	 * Its replies may leave before its last command has run if memcached yields between
	 * commands (-R, reqs_per_event): keep fills off a while longer than the reply alone.
	 */
	hold_fills(now, KC_UNREAD_HOLD_NS);
write:
	invalidate(s, now);
	if (!s->r.noreply) {
		struct kc_req_key rk = { .port = f->ck.port, .reqid = (__u16)(h[0] | h[1] << 8) };

		__builtin_memcpy(rk.addr, f->ck.addr, sizeof(rk.addr));
		bpf_map_update_elem(&udp_pending, &rk, &s->pend, BPF_ANY);
	}
	return XDP_PASS;
}

/* ---- TCP: commands and replies in order, per connection ---- */

/*
 * Lost track of a connection: what it carries may write any key. Flush everything now and
 * on every later segment of it, and fill nothing until it ends.
 */
static __always_inline void desync(struct kc_conn *c)
{
	__sync_fetch_and_add(&epoch, 1);
	if (!c->desync) {
		c->desync = 1;
		open_global();
		count(KC_DESYNC);
	}
}

/*
 * A connection the table has no room for cannot be followed, and nothing would say when it
 * ends: flush now and on every such segment, and stop filling for good (a global window that
 * never closes; detach and attach again to start over). Counted once.
 */
__u8 lost_connections;

static __always_inline void untracked(void)
{
	__sync_fetch_and_add(&epoch, 1);
	if (!lost_connections) {
		lost_connections = 1;
		open_global();
		count(KC_UNTRACKED);
	}
}

/* Close every window a connection holds (it ended, or it is being reused). */
static __always_inline void conn_close_all(struct kc_conn *c)
{
	__u32 i;

	for (i = 0; i < KC_FIFO; i++) {
		struct kc_entry *e;
		struct kc_pending p = {};

		if (c->head == c->tail)
			break;
		e = &c->q[c->head & (KC_FIFO - 1)];
		p.n = e->n;
		p.all = e->all;
		__builtin_memcpy(p.bucket, e->bucket, sizeof(p.bucket));
		close_pending(&p);
		c->head++;
	}
	if (c->desync)
		close_global();
	c->desync = 0;
}

/*
 * One command at the start of s->req (n bytes of the segment's rest): queue it, open its
 * windows. Returns the bytes it takes (line and data block), possibly more than n, or -1
 * when the stream cannot be followed.
 */
KC_FUNC int kc_tcp_cmd(struct scratch *s, struct kc_conn *c, __u32 n, __u64 now)
{
	struct kc_entry *e;
	int cmd;

	if (!s || !c)
		return -1;
	cmd = kc_parse(s, n);
	if (!s->r.line_len || cmd == MC_BAD_WRITE)
		return -1; /* a line split across segments, or a write that cannot be read */
	if (c->tail - c->head >= KC_FIFO)
		return -1;
	e = &c->q[c->tail & (KC_FIFO - 1)];
	__builtin_memset(e, 0, sizeof(*e));
	if (cmd == MC_UNKNOWN || cmd == MC_GET || cmd == MC_GETS) {
		e->kind = cmd == MC_UNKNOWN ? KC_K_LINE : KC_K_READ;
	} else {
		invalidate(s, now);
		e->n = (__u8)s->pend.n;
		e->all = (__u8)s->pend.all;
		__builtin_memcpy(e->bucket, s->pend.bucket, sizeof(e->bucket));
		e->kind = s->r.noreply			      ? KC_K_NOREPLY
			  : (cmd == MC_GAT || cmd == MC_GATS) ? KC_K_READ
							      : KC_K_LINE;
	}
	c->tail++;
	return (int)mc_req_len(&s->r);
}

static __always_inline int tcp_in(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				  __u64 now)
{
	struct kc_conn *c = bpf_map_lookup_elem(&conns, &f->ck);
	__u32 off, i;

	if (f->syn) {
		if (c)
			conn_close_all(c);
		__builtin_memset(&s->conn, 0, sizeof(s->conn));
		s->conn.next_in = f->tseq + 1;
		if (bpf_map_update_elem(&conns, &f->ck, &s->conn, BPF_ANY))
			untracked();
		return XDP_PASS;
	}
	if (!f->plen)
		return XDP_PASS;
	if (f->opaque && c) {
		count(KC_OPAQUE);
		desync(c); /* a fragmented segment: its stream cannot be followed */
		return XDP_PASS;
	}
	if (!c) {
		/* a connection older than the cache: its stream cannot be followed */
		__builtin_memset(&s->conn, 0, sizeof(s->conn));
		bpf_map_update_elem(&conns, &f->ck, &s->conn, BPF_ANY);
		c = bpf_map_lookup_elem(&conns, &f->ck);
		if (c)
			desync(c);
		else
			untracked();
		return XDP_PASS;
	}
	if (c->desync) {
		desync(c); /* flush again: this segment may write */
		return XDP_PASS;
	}
	if (f->tseq != c->next_in) {
		if ((__s32)(f->tseq + f->plen - c->next_in) <= 0)
			return XDP_PASS; /* a retransmission of what was seen */
		desync(c);
		return XDP_PASS;
	}
	c->next_in = f->tseq + f->plen;
	if (c->skip_in >= f->plen) {
		c->skip_in -= f->plen;
		return XDP_PASS;
	}
	off = c->skip_in;
	c->skip_in = 0;
	for (i = 0; i < 16; i++) {
		__u32 rest, n;
		int adv;

		if (off >= f->plen)
			break;
		rest = f->plen - off;
		n = rest > MC_BUF ? MC_BUF : rest;
		if (n < 1 || bpf_xdp_load_bytes(ctx, (f->poff + off) & 0xffff, s->req,
						bounded(n - 1, 511) + 1)) {
			desync(c);
			return XDP_PASS;
		}
		adv = kc_tcp_cmd(s, c, n, now);
		if (adv <= 0) {
			desync(c);
			return XDP_PASS;
		}
		if ((__u32)adv > rest) {
			c->skip_in = (__u32)adv - rest;
			return XDP_PASS;
		}
		off += (__u32)adv;
	}
	if (off < f->plen)
		desync(c); /* more commands in one segment than followed */
	return XDP_PASS;
}

static __always_inline int kvc_xdp_run(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	__u32 zero = 0, flen = (__u32)(data_end - data), hn;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	__u64 now = bpf_ktime_get_ns();
	struct flow f;
	int ret;

	if (!s)
		return XDP_PASS;
	hn = flen < 128 ? flen : 128;
	if (hn < 42 || bpf_xdp_load_bytes(ctx, 0, s->hdr, bounded(hn - 1, 127) + 1))
		return XDP_PASS;
	ret = parse_flow(s->hdr, flen, 1, &f);
	if (ret == PF_UNKNOWN) {
		/* it may carry a write (a fragment, perhaps), and nothing says which request */
		flush_hold(now, KC_FRAG_HOLD_NS);
		count(KC_OPAQUE);
		return XDP_PASS;
	}
	if (ret)
		return XDP_PASS;
	if (f.proto == IPPROTO_UDP)
		return udp_in(ctx, s, &f, now);
	return tcp_in(ctx, s, &f, now);
}

/*
 * A key-value server on AF_XDP instead of memcached (offloadlab afxdp-kv): what the cache
 * passes on for the port (an unfragmented UDP datagram over IPv4) goes to the server's socket
 * on the queue it arrived on; with no socket there, to the kernel as before.
 */
struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
} kc_xsks SEC(".maps");

static __always_inline int handoff(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u32 zero = 0;
	struct kc_cfg *cfg = bpf_map_lookup_elem(&kc_config, &zero);

	if (!cfg || !cfg->xsk_handoff || (void *)(ip + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl < 5 || ip->protocol != IPPROTO_UDP ||
	    (ip->frag_off & bpf_htons(0x3fff)))
		return XDP_PASS;
	udp = (void *)ip + ip->ihl * 4;
	if ((void *)(udp + 1) > data_end || udp->dest != bpf_htons(cfg_port))
		return XDP_PASS;
	return bpf_redirect_map(&kc_xsks, ctx->rx_queue_index, XDP_PASS);
}

SEC("xdp")
int kvc_xdp(struct xdp_md *ctx)
{
	int v = kvc_xdp_run(ctx);

	return v == XDP_PASS ? handoff(ctx) : v;
}

/* ---- egress: replies close windows; UDP GET replies fill ---- */

/* Fill from one VALUE item at the start of s->req (n bytes); returns its length or -1. */
KC_FUNC int kc_fill_item(struct scratch *s, struct kc_ticket_key *tk, __u32 n, __u64 now)
{
	struct kc_ticket *t;
	struct kc_fence *f;
	struct kc_meta *m;

	if (!s || !tk || mc_parse_value(s->req, n, &s->v))
		return -1;
	s->r.nkeys = 1;
	s->r.koff[0] = s->v.koff;
	s->r.klen[0] = s->v.klen;
	make_key(s, &s->r, 0);
	tk->bucket = kc_bucket(&s->key);
	t = bpf_map_lookup_elem(&tickets, tk);
	if (!t)
		return (int)(s->v.head_len + s->v.bytes + 2);
	f = bpf_map_lookup_elem(&fence, &tk->bucket);
	m = bpf_map_lookup_elem(&meta, &s->key);
	if (!f || f->seq != t->seq || f->open || t->gseq != gseq || gopen || t->epoch != epoch ||
	    now < fill_block_until) {
		count(KC_FILL_FENCED);
	} else if (!m || !m->known || m->epoch != t->epoch || s->v.bytes > KC_VAL_MAX) {
		count(s->v.bytes > KC_VAL_MAX ? KC_TOO_BIG : KC_NOT_CACHEABLE);
	} else if (s->v.head_len + s->v.bytes + 2 <= n) {
		__u64 seq = t->seq, g = t->gseq;

		s->val.flags = s->v.flags;
		s->val.len = s->v.bytes;
		s->val.cas = s->v.cas;
		s->val.has_cas = s->v.has_cas;
		s->val.deadline_ns = m->deadline_ns;
		{
			/*
			 * --max-age: memcached may evict an item unseen; serve what was filled
			 * for this long at most, then ask memcached again.
			 */
			__u32 zero = 0;
			struct kc_cfg *cfg = bpf_map_lookup_elem(&kc_config, &zero);

			if (cfg && cfg->max_age_ns &&
			    (!s->val.deadline_ns || s->val.deadline_ns > now + cfg->max_age_ns))
				s->val.deadline_ns = now + cfg->max_age_ns;
		}
		s->val.epoch = t->epoch;
		if (s->v.bytes && bpf_probe_read_kernel(s->val.data, s->v.bytes & 2047,
							&s->req[s->v.head_len & (MC_BUF - 1)]))
			return -1;
		bpf_map_update_elem(&cache, &s->key, &s->val, BPF_ANY);
		/* a write may have come in meanwhile on another CPU: check again */
		if (f->seq != seq || f->open || gseq != g || gopen) {
			bpf_map_delete_elem(&cache, &s->key);
			count(KC_FILL_FENCED);
		} else {
			count(KC_FILL);
		}
	} else {
		count(KC_TOO_BIG); /* the value runs past the window the parser sees */
	}
	bpf_map_delete_elem(&tickets, tk);
	return (int)(s->v.head_len + s->v.bytes + 2);
}

static __always_inline int udp_out(struct __sk_buff *skb, struct scratch *s, const struct flow *f,
				   __u64 now)
{
	struct kc_req_key rk = { .port = f->ck.port };
	struct kc_ticket_key tk = { .port = f->ck.port };
	struct kc_pending *p;
	__u8 h[MC_UDP_HDR];
	__u32 off, i;

	if (f->plen < MC_UDP_HDR || bpf_skb_load_bytes(skb, f->poff & 255, h, MC_UDP_HDR))
		return TC_ACT_OK;
	__builtin_memcpy(rk.addr, f->ck.addr, sizeof(rk.addr));
	rk.reqid = (__u16)(h[0] | h[1] << 8);
	p = bpf_map_lookup_elem(&udp_pending, &rk);
	if (p) {
		close_pending(p);
		bpf_map_delete_elem(&udp_pending, &rk);
		return TC_ACT_OK;
	}
	if (h[2] || h[3] || h[4] || h[5] != 1)
		return TC_ACT_OK; /* fills only from replies in one datagram */
	__builtin_memcpy(tk.addr, f->ck.addr, sizeof(tk.addr));
	tk.reqid = rk.reqid;
	off = MC_UDP_HDR;
	for (i = 0; i < MC_MAX_KEYS; i++) {
		__u32 rest, n;
		int adv;

		if (off >= f->plen)
			break;
		rest = f->plen - off;
		n = rest > MC_BUF ? MC_BUF : rest;
		if (n < 5 || bpf_skb_load_bytes(skb, (f->poff + off) & 0xffff, s->req,
						bounded(n - 1, 511) + 1))
			break;
		adv = kc_fill_item(s, &tk, n, now);
		if (adv <= 0)
			break;
		off += (__u32)adv;
	}
	return TC_ACT_OK;
}

/*
 * One reply unit at the start of s->req (n bytes) for the oldest queued command: returns the
 * bytes it takes (a VALUE item's data may run past n), or -1 when it cannot be followed.
 */
KC_FUNC int kc_reply_unit(struct scratch *s, struct kc_conn *c, __u32 n)
{
	struct kc_entry *e;
	struct mc_tokens t;
	__u32 i;

	if (!s || !c)
		return -1;
	/* commands without a reply before it have been applied */
	for (i = 0; i < KC_FIFO; i++) {
		struct kc_pending p = {};

		if (c->head == c->tail)
			break;
		e = &c->q[c->head & (KC_FIFO - 1)];
		if (e->kind != KC_K_NOREPLY)
			break;
		p.n = e->n;
		p.all = e->all;
		__builtin_memcpy(p.bucket, e->bucket, sizeof(p.bucket));
		close_pending(&p);
		c->head++;
	}
	if (c->head == c->tail)
		return -1; /* a reply to nothing we saw */
	e = &c->q[c->head & (KC_FIFO - 1)];
	if (e->kind == KC_K_READ && !mc_parse_value(s->req, n, &s->v))
		return (int)(s->v.head_len + s->v.bytes + 2); /* an item; END still to come */
	mc_tokenize(s->req, n, &t);
	if (!t.line_len)
		return -1;
	/* END, or the one line of any other reply (an error line ends a read too) */
	{
		struct kc_pending p = { .n = e->n, .all = e->all };

		__builtin_memcpy(p.bucket, e->bucket, sizeof(p.bucket));
		close_pending(&p);
	}
	c->head++;
	return (int)t.line_len;
}

static __always_inline int tcp_out(struct __sk_buff *skb, struct scratch *s, const struct flow *f)
{
	struct kc_conn *c = bpf_map_lookup_elem(&conns, &f->ck);
	__u32 off, i;

	if (!c)
		return TC_ACT_OK;
	if (f->syn) {
		c->next_out = f->tseq + 1;
		c->out_known = 1;
		return TC_ACT_OK;
	}
	if (f->fin) {
		/* the server is done with this connection: what it did not run, it never will */
		conn_close_all(c);
		bpf_map_delete_elem(&conns, &f->ck);
		return TC_ACT_OK;
	}
	if (c->desync || !f->plen)
		return TC_ACT_OK;
	if (!c->out_known || f->tseq != c->next_out) {
		if (c->out_known && (__s32)(f->tseq + f->plen - c->next_out) <= 0)
			return TC_ACT_OK; /* a retransmission */
		desync(c);
		return TC_ACT_OK;
	}
	c->next_out = f->tseq + f->plen;
	if (c->skip_out >= f->plen) {
		c->skip_out -= f->plen;
		return TC_ACT_OK;
	}
	off = c->skip_out;
	c->skip_out = 0;
	for (i = 0; i < 32; i++) {
		__u32 rest, n;
		int adv;

		if (off >= f->plen)
			break;
		rest = f->plen - off;
		n = rest > MC_BUF ? MC_BUF : rest;
		if (n < 1 || bpf_skb_load_bytes(skb, (f->poff + off) & 0xffff, s->req,
						bounded(n - 1, 511) + 1)) {
			desync(c);
			return TC_ACT_OK;
		}
		adv = kc_reply_unit(s, c, n);
		if (adv <= 0) {
			desync(c);
			return TC_ACT_OK;
		}
		if ((__u32)adv > rest) {
			c->skip_out = (__u32)adv - rest;
			return TC_ACT_OK;
		}
		off += (__u32)adv;
	}
	if (off < f->plen)
		desync(c);
	return TC_ACT_OK;
}

SEC("tc")
int kvc_tc(struct __sk_buff *skb)
{
	__u32 zero = 0, hn = skb->len < 128 ? skb->len : 128;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	__u64 now = bpf_ktime_get_ns();
	struct flow f;

	if (!s || hn < 42 || bpf_skb_load_bytes(skb, 0, s->hdr, bounded(hn - 1, 127) + 1))
		return TC_ACT_OK;
	if (parse_flow(s->hdr, skb->len, 0, &f) || f.opaque)
		return TC_ACT_OK;
	if (f.proto == IPPROTO_UDP)
		return udp_out(skb, s, &f, now);
	return tcp_out(skb, s, &f);
}

/* Pinned with the cache so that detach and stats find what attach did. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kc_attach_info);
} attach_info SEC(".maps");

/* ---- memcached's own sockets: a stop or a restart empties it, so the cache empties too ---- */

static __always_inline int our_netns(void *ctx)
{
	__u32 zero = 0;
	struct kc_cfg *cfg = bpf_map_lookup_elem(&kc_config, &zero);

	return cfg && cfg->netns_cookie == bpf_get_netns_cookie(ctx);
}

/* memcached's sockets on cfg_port, by socket cookie: seen when they bind */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 256);
	__type(key, __u64);
	__type(value, __u8);
} server_socks SEC(".maps");

static __always_inline int bound(struct bpf_sock *sk)
{
	__u64 cookie;
	__u8 one = 1;

	if (sk->src_port != cfg_port || !our_netns(sk))
		return 1;
	cookie = bpf_get_socket_cookie(sk);
	bpf_map_update_elem(&server_socks, &cookie, &one, BPF_ANY);
	if (server_gone) {
		/* a new server, empty: nothing filled while the old one went survives */
		__sync_fetch_and_add(&epoch, 1);
		server_gone = 0;
	}
	return 1;
}

SEC("cgroup/post_bind4")
int kvc_post_bind4(struct bpf_sock *sk)
{
	return bound(sk);
}

SEC("cgroup/post_bind6")
int kvc_post_bind6(struct bpf_sock *sk)
{
	return bound(sk);
}

/* One of the sockets memcached bound closes: it is stopping (or restarting, empty). */
SEC("cgroup/sock_release")
int kvc_sock_release(struct bpf_sock *sk)
{
	__u64 cookie = bpf_get_socket_cookie(sk);

	if (!bpf_map_lookup_elem(&server_socks, &cookie))
		return 1;
	bpf_map_delete_elem(&server_socks, &cookie);
	__sync_fetch_and_add(&epoch, 1);
	server_gone = 1;
	count(KC_SERVER_GONE);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
