/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, UDP ingress: the hit path, misses taking tickets, writes opening windows. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_UDP_BPF_H
#define OLAB_KVC_UDP_BPF_H

/* ---- ingress: UDP ---- */

/* One's-complement sum of s->out[0, len) (len rounded up to 4, zero padded), from seed. */
KVC_FUNC __u32 kvc_csum_out(struct scratch *s, __u32 len, __u32 seed)
{
	__u32 i, sum = seed;

	if (!s || len > KVC_REPLY_MAX + 8)
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

		KVC_LOOP(MC_MAX_KEYS, compose_key, &c);
		if (c.fail) {
			count(c.fail);
			return -1;
		}
		o = c.o;
	}
	o = put(s, o, "END\r\n", 5);
	if (o > KVC_REPLY_MAX - (v6 ? 20 : 0)) {
		count(KVC_TOO_BIG);
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
			count(KVC_NO_ROOM);
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
		if (len < 1 || len > KVC_REPLY_MAX ||
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
		sum = kvc_csum_out(s, o, sum);
		udp->check = csum_fold(sum) ?: 0xffff;
	}
	count(KVC_HIT);
	return XDP_TX;
}

/* The counter for a request the shared admission leaves to memcached. */
static __always_inline __u32 adm_counter(__u32 v)
{
	switch (v) {
	case OLAB_ADM_OK:
		return 0;
	case OLAB_ADM_NOT_LOCAL:
		return KVC_NOT_LOCAL;
	case OLAB_ADM_UNUSUAL:
		return KVC_PARSE_PASS;
	case OLAB_ADM_BAD_FRAME:
		return KVC_BAD_FRAME;
	case OLAB_ADM_BAD_SRC:
		return KVC_BAD_SRC;
	case OLAB_ADM_NO_ROUTE:
		return KVC_NO_ROUTE;
	case OLAB_ADM_BAD_CSUM:
		return KVC_BAD_CSUM;
	case OLAB_ADM_REFUSED:
		return KVC_SRC_REFUSED;
	default:
		return KVC_RATE_LIMITED;
	}
}

/*
 * Whether the hit path may answer this request at all (docs/kvcache.md, "Security model"):
 * only what memcached's kernel would deliver to it, from where the kernel would send its
 * reply, within the allow-list and the source's rate (olab_admit.bpf.h). Anything else goes
 * on to memcached, which decides as it always would.
 */
static __always_inline __u32 may_answer(struct xdp_md *ctx, struct scratch *s, __u32 flen,
					__u64 now)
{
	if (server_gone)
		return KVC_NO_SERVER; /* memcached would not answer: neither may the cache */
	return adm_counter(olab_adm_check(ctx, s->hdr, sizeof(s->hdr), flen,
					  (struct olab_adm_buf *)s->out, now));
}

/* A get/gets parsed into s->r: answer it from the cache, or take fill tickets and pass it. */
static __always_inline int get_path(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				    const __u8 *h, __u32 plen, __u64 now)
{
	__u32 why;
	int ret;

	if (s->r.more_keys) {
		count(KVC_NOT_CACHEABLE);
		return XDP_PASS;
	}
	why = may_answer(ctx, s, (__u32)(ctx->data_end - ctx->data), now);
	if (why) {
		count(why);
	} else if ((f->v6 ? f->l4off == sizeof(struct ethhdr) + sizeof(struct ipv6hdr)
			  : f->l4off == sizeof(struct ethhdr) + sizeof(struct iphdr)) &&
		   s->r.line_len == plen) {
		ret = try_hit(ctx, s, plen, now, f->l4off);
		if (ret >= 0)
			return ret;
	} else {
		count(KVC_PARSE_PASS);
	}
	{
		struct tickctx t = { .now = now };

		__builtin_memcpy(t.tk.addr, f->ck.addr, sizeof(t.tk.addr));
		t.tk.port = f->ck.port;
		t.tk.reqid = (__u16)(h[0] | h[1] << 8);
		KVC_LOOP(MC_MAX_KEYS, ticket_key, &t);
	}
	return XDP_PASS;
}

#ifdef KVC_TAIL
/*
 * The chain experiment's tail-call build: the get path runs as a second program, reached by
 * a tail call (a constant index, or with KVC_TAIL_VAR one read at run time); what it needs
 * crosses in the per-CPU scratch, which a tail call keeps (same CPU, same packet).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} kvc_stages SEC(".maps");

__u32 kvc_stage_idx; /* 0, but the verifier cannot know it */

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
} kvc_tail_state SEC(".maps");

SEC("xdp")
int olab_kvc_xdp_get(struct xdp_md *ctx)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	struct tail_state *ts = bpf_map_lookup_elem(&kvc_tail_state, &zero);

	if (!s || !ts)
		return XDP_PASS;
	return get_path(ctx, s, &ts->f, ts->h, ts->plen, ts->now);
}
#endif

/* The timer of a suspect source ran out: it is no longer one. */
static int suspect_gone(void *map, struct kvc_suspect_key *k, struct kvc_suspect *v)
{
	(void)v;
	bpf_map_delete_elem(map, k);
	return 0;
}

#define KVC_CLOCK_MONOTONIC 1

/*
 * The first fragment of a datagram from f's source (port 0: any) that the cache could not
 * read: if memcached receives a datagram from there within ns (olab_kvc_recv4/6), the expiries
 * learnt so far are forgotten then; if the rest never comes, nothing is. No room to note it:
 * forgotten now.
 */
static __always_inline void suspect(const struct flow *f, __u16 port, __u64 now, __u64 ns)
{
	struct kvc_suspect_key k = { .port = port, .v6 = f->v6 };
	struct kvc_suspect fresh = { .until_ns = now + ns }, *v;

	__builtin_memcpy(k.addr, f->ck.addr, sizeof(k.addr));
	bpf_map_update_elem(&suspects, &k, &fresh, BPF_NOEXIST);
	v = bpf_map_lookup_elem(&suspects, &k);
	if (!v) {
		__sync_fetch_and_add(&mepoch, 1);
		return;
	}
	if (v->until_ns < now + ns)
		v->until_ns = now + ns;
	bpf_timer_init(&v->timer, &suspects, KVC_CLOCK_MONOTONIC); /* -EBUSY once set up */
	bpf_timer_set_callback(&v->timer, suspect_gone);
	bpf_timer_start(&v->timer, ns, 0);
}

/*
 * The first fragment of a datagram (a large set): what it carries is not here to read. If it
 * is reassembled, memcached runs it: everything cached goes, and no fills until its reply
 * (named by h, its frame header, when the fragment holds it) or the reassembly timeout and
 * the reply wait.
 */
static __always_inline int first_fragment(struct scratch *s, const struct flow *f, const __u8 *h,
					  __u64 now)
{
	__u64 bound = cfg_frag_hold_ns + cfg_reply_wait_ns;

	count(KVC_OPAQUE);
	__sync_fetch_and_add(&epoch, 1);
	suspect(f, f->ck.port, now, bound);
	__builtin_memset(&s->pend, 0, sizeof(s->pend));
	s->pend.until_ms = kvc_ms(now + bound) + 1;
	s->pend.ggen = open_global(now, s->pend.until_ms);
	s->pend.all = 1;
	if (h) {
		struct kvc_req_key rk = { .port = f->ck.port, .reqid = (__u16)(h[0] | h[1] << 8) };

		__builtin_memcpy(rk.addr, f->ck.addr, sizeof(rk.addr));
		bpf_map_update_elem(&udp_pending, &rk, &s->pend, BPF_ANY);
	}
	return XDP_PASS;
}

/*
 * Would the kernel hand this datagram (IPv4 or IPv6, no options or extension headers, no
 * VLAN) to memcached's socket at all? Its UDP checksum, as the kernel checks it: a local
 * sender's partial sum may be valid here. Unknown (other headers): yes.
 */
static __always_inline int delivered(struct xdp_md *ctx, struct scratch *s, const struct flow *f)
{
	if (f->vlan || f->l4off != (f->v6 ? 14 + 40 : 14 + 20))
		return 1;
	return olab_adm_udp_ok(ctx, s->hdr, f->v6, f->plen + 8, 1, (struct olab_adm_buf *)s->out);
}

static __always_inline int udp_in(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				  __u64 now)
{
	__u8 h[MC_UDP_HDR];
	__u32 n, plen;
	int cmd, whole;

	/* memcached ignores a datagram of 8 bytes or less: nothing in it can write */
	if (f->plen < MC_UDP_HDR + 1 || bpf_xdp_load_bytes(ctx, f->poff & 255, h, MC_UDP_HDR)) {
		if (f->opaque)
			return first_fragment(s, f, NULL, now); /* too short to name its request */
		count(KVC_PARSE_PASS);
		return XDP_PASS;
	}
	/*
	 * memcached refuses a request that says it spans several datagrams (total != 1) and
	 * runs nothing in it; it reads every other datagram whatever its sequence number and
	 * reserved bytes say, so those are parsed here as well.
	 */
	if (h[4] || h[5] != 1) {
		count(KVC_PARSE_PASS);
		return XDP_PASS;
	}
	if (f->opaque)
		return first_fragment(s, f, h, now);
	plen = f->plen - MC_UDP_HDR;
	n = plen > MC_BUF ? MC_BUF : plen;
	if (n < 1 ||
	    bpf_xdp_load_bytes(ctx, (f->poff + MC_UDP_HDR) & 255, s->req, bounded(n - 1, 511) + 1))
		goto unreadable;
	cmd = kvc_parse(s, n);
	whole = s->r.line_len && mc_req_len(&s->r) == plen;
	if (whole && (cmd == MC_GET || cmd == MC_GETS)) {
#ifdef KVC_TAIL
		__u32 zero = 0;
		struct tail_state *ts = bpf_map_lookup_elem(&kvc_tail_state, &zero);

		if (!ts)
			return XDP_PASS;
		ts->f = *f;
		__builtin_memcpy(ts->h, h, sizeof(ts->h));
		ts->plen = plen;
		ts->now = now;
#ifdef KVC_TAIL_VAR
		bpf_tail_call(ctx, &kvc_stages, kvc_stage_idx);
#else
		bpf_tail_call(ctx, &kvc_stages, 0);
#endif
		return XDP_PASS; /* no second stage loaded */
#else
		return get_path(ctx, s, f, h, plen, now);
#endif
	}
	/*
	 * From here on the datagram may change what the cache holds, so only if memcached can
	 * run it: the kernel drops one whose checksum does not hold, and memcached ignores one
	 * whose text has no end of line at all (it waits for the rest, which a next datagram
	 * replaces), unless it is the binary protocol. Nothing to flush, nothing to wait for.
	 */
	if (!delivered(ctx, s, f) || (!s->r.line_len && plen <= MC_BUF && s->req[0] != 0x80)) {
		count(KVC_IGNORED);
		return XDP_PASS;
	}
	/*
	 * memcached runs every command of a datagram. Unless the first command is all there is,
	 * what follows it is unread here and may write anything: treat the datagram as a write
	 * the cache cannot read (flush, no fills until it has been answered).
	 */
	if (!whole)
		goto unreadable;
	if (cmd == MC_UNKNOWN) {
		/* one whole line memcached answers with ERROR, or a command that keeps data */
		count(KVC_PARSE_PASS);
		return XDP_PASS;
	}
	goto write;
unreadable:
	__builtin_memset(&s->r, 0, sizeof(s->r));
	s->r.cmd = MC_BAD_WRITE;
	count(KVC_UNREAD_DGRAM);
	/*
	 * Its replies may leave before its last command has run if memcached yields between
	 * commands (-R, reqs_per_event): keep fills off a while longer than the reply alone.
	 */
	hold_fills(now, KVC_UNREAD_HOLD_NS, KVC_HOLD_UNREAD);
write:
	invalidate(s, now, cfg_reply_wait_ns);
	if (!s->r.noreply) {
		struct kvc_req_key rk = { .port = f->ck.port, .reqid = (__u16)(h[0] | h[1] << 8) };

		__builtin_memcpy(rk.addr, f->ck.addr, sizeof(rk.addr));
		bpf_map_update_elem(&udp_pending, &rk, &s->pend, BPF_ANY);
	}
	return XDP_PASS;
}

#endif
