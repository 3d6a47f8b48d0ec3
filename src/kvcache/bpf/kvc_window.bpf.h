/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, write windows, invalidation and fill tickets (docs/kvcache.md). Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_WINDOW_BPF_H
#define OLAB_KVC_WINDOW_BPF_H

/* ---- write windows (docs/kvcache.md) ---- */

/* The fence bucket of a key: FNV-1a; a global function, verified once. */
KVC_FUNC __u32 kvc_bucket(struct kvc_key *k)
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
	return h & (KVC_BUCKETS - 1);
}

/* seq first, then the caller deletes: a concurrent fill's second check sees one of them */
static __always_inline void open_window(__u32 b)
{
	struct kvc_fence *f = bpf_map_lookup_elem(&fence, &b);

	if (f) {
		__sync_fetch_and_add(&f->seq, 1);
		__sync_fetch_and_add(&f->open, 1);
	}
}

static __always_inline void close_window(__u32 b)
{
	struct kvc_fence *f = bpf_map_lookup_elem(&fence, &b);

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

static __always_inline void close_pending(const struct kvc_pending *p)
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
	struct kvc_meta m = { .epoch = epoch }, *old;
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
	b = kvc_bucket(&s->key);
	open_window(b);
	bpf_map_delete_elem(&cache, &s->key);
	note_expiry(s, c->now);
	s->pend.bucket[i & (MC_MAX_KEYS - 1)] = b;
	s->pend.n = i + 1;
	count(KVC_INVALIDATION);
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
		count(KVC_INVALIDATION);
		return;
	}
	if (s->r.cmd == MC_BAD_WRITE || s->r.more_keys) {
		/* any key may change: flush everything, and no fills until it has run */
		__sync_fetch_and_add(&epoch, 1);
		open_global();
		s->pend.all = 1;
		count(KVC_INVALIDATION);
		if (s->r.cmd == MC_BAD_WRITE)
			return;
	}
	KVC_LOOP(MC_MAX_KEYS, inval_key, &c);
}

/* ---- tickets: a GET that missed may fill when its reply leaves ---- */

struct tickctx {
	struct kvc_ticket_key tk;
	__u64 now;
};

static long ticket_key(__u32 i, struct tickctx *c)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);
	struct kvc_ticket t;
	struct kvc_fence *f;

	if (!s || i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	c->tk.bucket = kvc_bucket(&s->key);
	f = bpf_map_lookup_elem(&fence, &c->tk.bucket);
	if (!f || f->open || gopen || c->now < fill_block_until)
		return 0; /* a write may be in flight: no fill from this reply */
	t.seq = f->seq;
	t.gseq = gseq;
	t.epoch = epoch;
	bpf_map_update_elem(&tickets, &c->tk, &t, BPF_ANY);
	return 0;
}

#endif
