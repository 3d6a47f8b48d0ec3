/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, egress: replies close windows, UDP GET replies fill. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_EGRESS_BPF_H
#define OLAB_KVC_EGRESS_BPF_H

/* ---- egress: replies close windows; UDP GET replies fill ---- */

/* Fill from one VALUE item at the start of s->req (n bytes); returns its length or -1. */
KVC_FUNC int kvc_fill_item(struct scratch *s, struct kvc_ticket_key *tk, __u32 n, __u64 now)
{
	struct kvc_ticket *t;
	struct kvc_fence *f;
	struct kvc_meta *m;

	if (!s || !tk || mc_parse_value(s->req, n, &s->v))
		return -1;
	s->r.nkeys = 1;
	s->r.koff[0] = s->v.koff;
	s->r.klen[0] = s->v.klen;
	make_key(s, &s->r, 0);
	tk->bucket = kvc_bucket(&s->key);
	t = bpf_map_lookup_elem(&tickets, tk);
	if (!t)
		return (int)(s->v.head_len + s->v.bytes + 2);
	f = bpf_map_lookup_elem(&fence, &tk->bucket);
	m = bpf_map_lookup_elem(&meta, &s->key);
	if (!f || f->seq != t->seq || win_holds(&f->w, now) || t->gseq != gseq ||
	    global_holds(now) || t->epoch != epoch || now < fill_block_until) {
		count(KVC_FILL_FENCED);
	} else if (!m || !m->known || m->epoch != t->mepoch || t->mepoch != mepoch ||
		   s->v.bytes > KVC_VAL_MAX) {
		count(s->v.bytes > KVC_VAL_MAX ? KVC_TOO_BIG : KVC_NOT_CACHEABLE);
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
			struct kvc_cfg *cfg = bpf_map_lookup_elem(&kvc_config, &zero);

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
		if (f->seq != seq || win_holds(&f->w, now) || gseq != g || global_holds(now)) {
			bpf_map_delete_elem(&cache, &s->key);
			count(KVC_FILL_FENCED);
		} else {
			count(KVC_FILL);
		}
	} else {
		count(KVC_TOO_BIG); /* the value runs past the window the parser sees */
	}
	bpf_map_delete_elem(&tickets, tk);
	return (int)(s->v.head_len + s->v.bytes + 2);
}

static __always_inline int udp_out(struct __sk_buff *skb, struct scratch *s, const struct flow *f,
				   __u64 now)
{
	struct kvc_req_key rk = { .port = f->ck.port };
	struct kvc_ticket_key tk = { .port = f->ck.port };
	struct kvc_pending *p;
	__u8 h[MC_UDP_HDR];
	__u32 off, i;

	if (f->plen < MC_UDP_HDR || bpf_skb_load_bytes(skb, f->poff & 255, h, MC_UDP_HDR))
		return TC_ACT_OK;
	__builtin_memcpy(rk.addr, f->ck.addr, sizeof(rk.addr));
	rk.reqid = (__u16)(h[0] | h[1] << 8);
	p = bpf_map_lookup_elem(&udp_pending, &rk);
	if (p) {
		close_pending(p, now);
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
		n = kvc_chunk(f, off, &rest);
		if (n < 5 || KVC_LOAD(bpf_skb_load_bytes, skb, s, f, off, n))
			break;
		adv = kvc_fill_item(s, &tk, n, now);
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
/* The windows a queued command holds, as a kvc_pending. */
static __always_inline void entry_pending(const struct kvc_entry *e, struct kvc_pending *p)
{
	p->n = e->n;
	p->all = e->all;
	p->ggen = e->ggen;
	p->until_ms = e->until_ms;
	__builtin_memcpy(p->bucket, e->bucket, sizeof(p->bucket));
}

KVC_FUNC int kvc_reply_unit(struct scratch *s, struct kvc_conn *c, __u32 n, __u64 now)
{
	struct kvc_entry *e;
	struct mc_tokens t;
	__u32 i;

	if (!s || !c)
		return -1;
	/* commands without a reply before it have been applied */
	for (i = 0; i < KVC_FIFO; i++) {
		struct kvc_pending p = {};

		if (c->head == c->tail)
			break;
		e = &c->q[c->head & (KVC_FIFO - 1)];
		if (e->kind != KVC_K_NOREPLY)
			break;
		entry_pending(e, &p);
		close_pending(&p, now);
		c->head++;
	}
	if (c->head == c->tail)
		return -1; /* a reply to nothing we saw */
	e = &c->q[c->head & (KVC_FIFO - 1)];
	if (e->kind == KVC_K_READ && !mc_parse_value(s->req, n, &s->v))
		return (int)(s->v.head_len + s->v.bytes + 2); /* an item; END still to come */
	mc_tokenize(s->req, n, &t);
	if (!t.line_len)
		return -1;
	/* END, or the one line of any other reply (an error line ends a read too) */
	{
		struct kvc_pending p;

		entry_pending(e, &p);
		close_pending(&p, now);
	}
	c->head++;
	return (int)t.line_len;
}

static __always_inline int tcp_out(struct __sk_buff *skb, struct scratch *s, const struct flow *f,
				   __u64 now)
{
	struct kvc_conn *c = bpf_map_lookup_elem(&conns, &f->ck);
	__u32 off, i;

	if (!c) {
		/*
		 * A connection not followed (no room for it, or older than the cache): its
		 * replies leaving means memcached reads on, and may run any write it holds.
		 */
		if (f->plen && !f->fin)
			untracked(now);
		return TC_ACT_OK;
	}
	if (f->syn) {
		c->next_out = f->tseq + 1;
		c->out_known = 1;
		return TC_ACT_OK;
	}
	if (f->fin) {
		/* the server is done with this connection: what it did not run, it never will */
		conn_close_all(c, now);
		bpf_map_delete_elem(&conns, &f->ck);
		return TC_ACT_OK;
	}
	if (!f->plen)
		return TC_ACT_OK;
	if (c->desync) {
		desync(c, now); /* memcached answers on: it may run what it held */
		return TC_ACT_OK;
	}
	if (kvc_in_order(c, f, c->out_known, &c->next_out, &c->skip_out, &off, now) <= 0)
		return TC_ACT_OK;
	for (i = 0; i < 32; i++) {
		__u32 rest, n;
		int adv;

		if (off >= f->plen)
			break;
		n = kvc_chunk(f, off, &rest);
		if (n < 1 || KVC_LOAD(bpf_skb_load_bytes, skb, s, f, off, n)) {
			desync(c, now);
			return TC_ACT_OK;
		}
		adv = kvc_reply_unit(s, c, n, now);
		if (adv <= 0) {
			desync(c, now);
			return TC_ACT_OK;
		}
		if ((__u32)adv > rest) {
			c->skip_out = (__u32)adv - rest;
			return TC_ACT_OK;
		}
		off += (__u32)adv;
	}
	if (off < f->plen)
		desync(c, now);
	return TC_ACT_OK;
}

#endif
