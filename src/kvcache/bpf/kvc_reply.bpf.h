/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, keys out of a request, and a hit's reply composed in the scratch. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_REPLY_BPF_H
#define OLAB_KVC_REPLY_BPF_H

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
		s->out[(o + i) & (KVC_OUT - 1)] = (__u8)str[i];
	}
	return o + n;
}

/*
 * A global function: verified once on its own, so its loops do not multiply with the
 * caller's paths (three numbers per key would otherwise exhaust the verifier's budget).
 */
KVC_FUNC __u32 kvc_put_num(struct scratch *s, __u32 o, __u64 v)
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
		s->out[(o + n - 1 - i) & (KVC_OUT - 1)] = (__u8)('0' + v % 10);
		v /= 10;
		if (i + 1 >= n)
			break;
	}
	return o + n;
}

/* The parser as a global function: verified once, apart from the paths of its caller. */
KVC_FUNC int kvc_parse(struct scratch *s, __u32 n)
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
	struct kvc_val *v;

	if (!s) {
		c->fail = KVC_PARSE_PASS;
		return 1;
	}
	if (i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	v = bpf_map_lookup_elem(&cache, &s->key);
	if (!v || v->epoch != c->epoch || (v->deadline_ns && c->now >= v->deadline_ns) ||
	    (s->r.cmd == MC_GETS && !v->has_cas)) {
		c->fail = KVC_MISS;
		return 1;
	}
	klen = s->key.len;
	if (v->len > KVC_VAL_MAX || o + klen + v->len + 64 > KVC_REPLY_MAX) {
		c->fail = KVC_TOO_BIG;
		return 1;
	}
	o = put(s, o, "VALUE ", 6);
	if (bpf_probe_read_kernel(&s->out[o & 2047], klen & 255, s->key.b)) {
		c->fail = KVC_PARSE_PASS;
		return 1;
	}
	o += klen;
	o = put(s, o, " ", 1);
	o = kvc_put_num(s, o, v->flags);
	o = put(s, o, " ", 1);
	o = kvc_put_num(s, o, v->len);
	if (s->r.cmd == MC_GETS) {
		o = put(s, o, " ", 1);
		o = kvc_put_num(s, o, v->cas);
	}
	o = put(s, o, "\r\n", 2);
	if (v->len && bpf_probe_read_kernel(&s->out[o & 2047], v->len & 2047, v->data)) {
		c->fail = KVC_PARSE_PASS;
		return 1;
	}
	o += v->len;
	o = put(s, o, "\r\n", 2);
	c->o = o;
	return 0;
}

#endif
