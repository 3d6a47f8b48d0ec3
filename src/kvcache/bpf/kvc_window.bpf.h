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

/* CLOCK_MONOTONIC in ms, 32 bits: bounds compared as (s32)(a - b), good for 24 days. */
static __always_inline __u32 kvc_ms(__u64 ns)
{
	return (__u32)(ns / 1000000);
}

/* No fills until now + ns (a later deadline already set stays), why: for stats. */
static __always_inline void hold_fills(__u64 now, __u64 ns, __u32 why)
{
	if (fill_block_until < now + ns) {
		fill_block_until = now + ns;
		hold_why = why;
	}
}

/* Everything cached goes (the epoch moves), and no fills for ns. */
static __always_inline void flush_hold(__u64 now, __u64 ns, __u32 why)
{
	__sync_fetch_and_add(&epoch, 1);
	hold_fills(now, ns, why);
}

/*
 * Open a window on w (locked) until until_ms: the generation it counts in. Once every window
 * counted has ended (closed by its reply, or past its bound), a new generation starts: the
 * windows whose reply never came stop counting (KVC_EXPIRED).
 */
static __always_inline __u32 win_open(struct kvc_win *w, __u32 now_ms, __u32 until_ms)
{
	__u32 gen, dropped = 0;

	bpf_spin_lock(&w->lock);
	if (!w->open || (__s32)(now_ms - w->hold_ms) >= 0) {
		dropped = w->open;
		w->gen = (w->gen + 1) & 0xffff;
		w->open = 0;
		w->hold_ms = until_ms;
	}
	w->open++;
	if ((__s32)(until_ms - w->hold_ms) > 0)
		w->hold_ms = until_ms;
	gen = w->gen;
	bpf_spin_unlock(&w->lock);
	if (dropped)
		count(KVC_EXPIRED);
	return gen;
}

/* Its reply left: close a window of generation gen, if that generation still counts. */
static __always_inline void win_close(struct kvc_win *w, __u32 gen)
{
	bpf_spin_lock(&w->lock);
	if (w->gen == gen && w->open)
		w->open--;
	bpf_spin_unlock(&w->lock);
}

/* Does w hold fills now: a window counted and not past its bound? (read without the lock) */
static __always_inline int win_holds(const struct kvc_win *w, __u64 now)
{
	return *(volatile const __u32 *)&w->open &&
	       (__s32)(kvc_ms(now) - *(volatile const __u32 *)&w->hold_ms) < 0;
}

/*
 * seq first, then the caller deletes: a concurrent fill's second check sees one of them.
 * Returns the bucket with its window's generation above (kvc_pending.bucket).
 */
static __always_inline __u32 open_window(__u32 b, __u64 now, __u32 until_ms)
{
	struct kvc_fence *f = bpf_map_lookup_elem(&fence, &b);

	if (!f)
		return b;
	__sync_fetch_and_add(&f->seq, 1);
	return b | win_open(&f->w, kvc_ms(now), until_ms) << 16;
}

static __always_inline void close_window(__u32 bg)
{
	__u32 b = bg & 0xffff;
	struct kvc_fence *f = bpf_map_lookup_elem(&fence, &b);

	if (f) {
		win_close(&f->w, bg >> 16);
		__sync_fetch_and_add(&f->seq, 1);
	}
}

static __always_inline __u32 open_global(__u64 now, __u32 until_ms)
{
	__u32 zero = 0;
	struct kvc_win *w = bpf_map_lookup_elem(&gwin, &zero);

	__sync_fetch_and_add(&gseq, 1);
	return w ? win_open(w, kvc_ms(now), until_ms) : 0;
}

static __always_inline void close_global(__u32 gen)
{
	__u32 zero = 0;
	struct kvc_win *w = bpf_map_lookup_elem(&gwin, &zero);

	if (w)
		win_close(w, gen);
	__sync_fetch_and_add(&gseq, 1);
}

/* Does the global window hold fills now? */
static __always_inline int global_holds(__u64 now)
{
	__u32 zero = 0;
	struct kvc_win *w = bpf_map_lookup_elem(&gwin, &zero);

	return !w || win_holds(w, now);
}

/*
 * The reply to the write p describes has left: close its windows. A reply after they ended
 * (memcached ran the write later than its bound) may follow fills of older values: flush.
 */
static __always_inline void close_pending(const struct kvc_pending *p, __u64 now)
{
	__u32 i;

	if ((p->n || p->all) && (__s32)(kvc_ms(now) - p->until_ms) >= 0) {
		count(KVC_LATE_REPLY);
		flush_hold(now, cfg_reply_wait_ns, KVC_HOLD_LATE);
	}
	for (i = 0; i < MC_MAX_KEYS; i++) {
		if (i >= p->n)
			break;
		close_window(p->bucket[i]);
	}
	if (p->all)
		close_global(p->ggen);
}

/* What the write in s->r tells about the expiry of s->key (docs/kvcache.md, Expiry). */
static __always_inline void note_expiry(struct scratch *s, __u64 now)
{
	struct kvc_meta m = { .epoch = mepoch }, *old;
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
	if (old && old->epoch != mepoch)
		old = NULL; /* learnt before a write the cache could not read: not known */
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
	__u32 until_ms;
};

/* Key i of the write in scratch: window open, cache entry gone, expiry noted. */
static long inval_key(__u32 i, struct invctx *c)
{
	__u32 zero = 0, b;
	struct scratch *s = bpf_map_lookup_elem(&scratch_map, &zero);

	if (!s || i >= s->r.nkeys)
		return 1;
	make_key(s, &s->r, i);
	b = open_window(kvc_bucket(&s->key), c->now, c->until_ms);
	bpf_map_delete_elem(&cache, &s->key);
	note_expiry(s, c->now);
	s->pend.bucket[i & (MC_MAX_KEYS - 1)] = b;
	s->pend.n = i + 1;
	count(KVC_INVALIDATION);
	return 0;
}

/*
 * The write in s->r: invalidate what it may change; s->pend says which windows it opened,
 * each until now + bound at most.
 */
static __always_inline void invalidate(struct scratch *s, __u64 now, __u64 bound)
{
	struct invctx c = { .now = now, .until_ms = kvc_ms(now + bound) + 1 };

	__builtin_memset(&s->pend, 0, sizeof(s->pend));
	s->pend.until_ms = c.until_ms;
	if (s->r.cmd == MC_FLUSH_ALL) {
		__sync_fetch_and_add(&epoch, 1);
		if (s->r.exptime > 0)
			hold_fills(now, (__u64)(s->r.exptime + 1) * 1000000000ULL,
				   KVC_HOLD_FLUSH_DELAY);
		s->pend.ggen = open_global(now, c.until_ms);
		s->pend.all = 1;
		count(KVC_INVALIDATION);
		return;
	}
	if (s->r.cmd == MC_BAD_WRITE || s->r.more_keys) {
		/* any key may change, and its expiry: flush everything, no fills until it has run */
		__sync_fetch_and_add(&epoch, 1);
		__sync_fetch_and_add(&mepoch, 1);
		s->pend.ggen = open_global(now, c.until_ms);
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
	if (!f || win_holds(&f->w, c->now) || global_holds(c->now) || c->now < fill_block_until)
		return 0; /* a write may be in flight: no fill from this reply */
	t.seq = f->seq;
	t.gseq = gseq;
	t.epoch = epoch;
	t.mepoch = mepoch;
	bpf_map_update_elem(&tickets, &c->tk, &t, BPF_ANY);
	return 0;
}

#endif
