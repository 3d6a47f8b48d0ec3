// SPDX-License-Identifier: GPL-2.0
/*
 * kvcache: memcached GETs over UDP answered in XDP from a cache map (docs/kvcache.md).
 * This file holds the hit path: a complete get/gets whose every key is cached, unexpired and
 * of the current epoch gets memcached's exact reply by XDP_TX; anything else passes on
 * untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define MC_TOKENIZE_EXTERNAL
#include "kvcache/kvcache.h"

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

const volatile __u16 cfg_port = 11211;
__u64 epoch = 1;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536); /* set from --capacity before load */
	__type(key, struct kc_key);
	__type(value, struct kc_val);
} cache SEC(".maps");

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
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

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
__noinline __u32 kc_put_num(struct scratch *s, __u32 o, __u64 v)
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

static __always_inline __u16 ip_csum(struct iphdr *ip)
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

/* The parser as a global function: verified once, apart from the paths of its caller. */
__noinline int kc_parse(struct scratch *s, __u32 n)
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
	if (!v || v->epoch != c->epoch || (v->deadline_ns && c->now >= v->deadline_ns)) {
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

SEC("xdp")
int kvc_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	struct scratch *s;
	__u32 zero = 0, plen, n, o, l4off, old_len;
	__u64 now = bpf_ktime_get_ns(), cur_epoch = epoch;
	__u8 hdr[MC_UDP_HDR];
	int delta;

	if ((void *)(udp + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP) || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP || udp->dest != bpf_htons(cfg_port))
		return XDP_PASS;
	if (ip->frag_off & bpf_htons(0x3fff)) { /* MF or an offset: a fragment */
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	l4off = sizeof(*eth) + sizeof(*ip);
	old_len = bpf_ntohs(udp->len);
	if (old_len < sizeof(*udp) + MC_UDP_HDR + 1 || (void *)udp + old_len > data_end) {
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	plen = old_len - sizeof(*udp) - MC_UDP_HDR;
	/* one request in one datagram: sequence 0 of 1 */
	if (bpf_xdp_load_bytes(ctx, l4off + sizeof(*udp), hdr, MC_UDP_HDR) || hdr[2] || hdr[3] ||
	    hdr[4] || hdr[5] != 1 || plen > MC_BUF) {
		count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	s = bpf_map_lookup_elem(&scratch_map, &zero);
	if (!s)
		return XDP_PASS;
	n = plen & (MC_BUF * 2 - 1);
	if (n < 1 || n > MC_BUF ||
	    bpf_xdp_load_bytes(ctx, l4off + sizeof(*udp) + MC_UDP_HDR, s->req, n))
		return XDP_PASS;
	if (kc_parse(s, n) != MC_GET && s->r.cmd != MC_GETS) {
		if (s->r.cmd == MC_UNKNOWN)
			count(KC_PARSE_PASS);
		return XDP_PASS;
	}
	if (s->r.line_len != n || s->r.more_keys) {
		count(s->r.more_keys ? KC_NOT_CACHEABLE : KC_PARSE_PASS);
		return XDP_PASS;
	}

	/* every key must hit; compose memcached's reply after the frame header */
	{
		struct compose c = { .now = now, .epoch = cur_epoch };

		bpf_loop(MC_MAX_KEYS, compose_key, &c, 0);
		if (c.fail) {
			count(c.fail);
			return XDP_PASS;
		}
		o = c.o;
	}
	o = put(s, o, "END\r\n", 5);
	if (o > KC_REPLY_MAX) {
		count(KC_TOO_BIG);
		return XDP_PASS;
	}

	/* resize to the reply, then rewrite the headers around it */
	delta = (int)o - (int)plen;
	if (bpf_xdp_adjust_tail(ctx, delta))
		return XDP_PASS;
	data = (void *)(long)ctx->data;
	data_end = (void *)(long)ctx->data_end;
	eth = data;
	ip = (void *)(eth + 1);
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_ABORTED;
	{
		__u8 mac[ETH_ALEN];
		__u32 a = ip->saddr;
		__u16 p = udp->source;

		__builtin_memcpy(mac, eth->h_source, ETH_ALEN);
		__builtin_memcpy(eth->h_source, eth->h_dest, ETH_ALEN);
		__builtin_memcpy(eth->h_dest, mac, ETH_ALEN);
		ip->saddr = ip->daddr;
		ip->daddr = a;
		udp->source = udp->dest;
		udp->dest = p;
	}
	ip->tot_len = bpf_htons((__u16)(sizeof(*ip) + sizeof(*udp) + MC_UDP_HDR + o));
	ip->ttl = 64;
	ip->check = ip_csum(ip);
	udp->len = bpf_htons((__u16)(sizeof(*udp) + MC_UDP_HDR + o));
	udp->check = 0; /* optional over IPv4 */
	{
		__u64 len = o;

		/* a bound the verifier sees on the register itself */
		asm volatile("%0 &= 2047" : "+r"(len));
		if (len < 1 || len > KC_REPLY_MAX ||
		    bpf_xdp_store_bytes(ctx, l4off + sizeof(*udp) + MC_UDP_HDR, s->out, (__u32)len))
			return XDP_ABORTED;
	}
	count(KC_HIT);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
