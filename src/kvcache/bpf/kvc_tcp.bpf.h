/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, TCP ingress: commands tracked in order per connection. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_TCP_BPF_H
#define OLAB_KVC_TCP_BPF_H

/* ---- TCP: commands and replies in order, per connection ---- */

/*
 * Lost track of a connection: what it carries may write any key, expiries included. Flush
 * everything now and on every later segment of it (either way: memcached answering means it
 * reads on), and hold fills for the reply wait after each: no longer than that once the
 * connection is quiet, so one connection cannot stop the cache for good.
 */
static __always_inline void desync(struct kvc_conn *c, __u64 now)
{
	__sync_fetch_and_add(&mepoch, 1);
	flush_hold(now, cfg_reply_wait_ns, KVC_HOLD_TCP);
	if (!c->desync) {
		c->desync = 1;
		count(KVC_DESYNC);
	}
}

/*
 * A connection the table has no room for (or never saw open) cannot be followed: flush on
 * each of its segments and hold fills for the reply wait after it.
 */
static __always_inline void untracked(__u64 now)
{
	__sync_fetch_and_add(&mepoch, 1);
	flush_hold(now, cfg_reply_wait_ns, KVC_HOLD_TCP);
	count(KVC_UNTRACKED);
}

/* Close every window a connection holds (it ended, or it is being reused). */
static __always_inline void conn_close_all(struct kvc_conn *c, __u64 now)
{
	__u32 i;

	for (i = 0; i < KVC_FIFO; i++) {
		struct kvc_entry *e;
		struct kvc_pending p = {};

		if (c->head == c->tail)
			break;
		e = &c->q[c->head & (KVC_FIFO - 1)];
		p.n = e->n;
		p.all = e->all;
		p.ggen = e->ggen;
		p.until_ms = e->until_ms;
		__builtin_memcpy(p.bucket, e->bucket, sizeof(p.bucket));
		close_pending(&p, now);
		c->head++;
	}
	c->desync = 0;
}

/*
 * One command at the start of s->req (n bytes of the segment's rest): queue it, open its
 * windows. Returns the bytes it takes (line and data block), possibly more than n, or -1
 * when the stream cannot be followed.
 */
KVC_FUNC int kvc_tcp_cmd(struct scratch *s, struct kvc_conn *c, __u32 n, __u64 now)
{
	struct kvc_entry *e;
	int cmd;

	if (!s || !c)
		return -1;
	cmd = kvc_parse(s, n);
	if (!s->r.line_len || cmd == MC_BAD_WRITE)
		return -1; /* a line split across segments, or a write that cannot be read */
	if (c->tail - c->head >= KVC_FIFO)
		return -1;
	e = &c->q[c->tail & (KVC_FIFO - 1)];
	__builtin_memset(e, 0, sizeof(*e));
	if (cmd == MC_UNKNOWN || cmd == MC_GET || cmd == MC_GETS) {
		e->kind = cmd == MC_UNKNOWN ? KVC_K_LINE : KVC_K_READ;
	} else {
		invalidate(s, now, cfg_reply_wait_ns);
		e->n = (__u8)s->pend.n;
		e->all = (__u8)s->pend.all;
		e->ggen = s->pend.ggen;
		e->until_ms = s->pend.until_ms;
		__builtin_memcpy(e->bucket, s->pend.bucket, sizeof(e->bucket));
		e->kind = s->r.noreply			      ? KVC_K_NOREPLY
			  : (cmd == MC_GAT || cmd == MC_GATS) ? KVC_K_READ
							      : KVC_K_LINE;
	}
	c->tail++;
	return (int)mc_req_len(&s->r);
}

/*
 * One direction of a tracked connection, in order: 1 with *off where the segment's unseen
 * bytes start; 0 when it brings nothing new (a retransmission, or data still to skip); -1
 * when the stream's order is lost (desync'd). known: whether *next has been learnt yet.
 */
static __always_inline int kvc_in_order(struct kvc_conn *c, const struct flow *f, int known,
					__u32 *next, __u32 *skip, __u32 *off, __u64 now)
{
	if (!known || f->tseq != *next) {
		if (known && (__s32)(f->tseq + f->plen - *next) <= 0)
			return 0; /* a retransmission of what was seen */
		desync(c, now);
		return -1;
	}
	*next = f->tseq + f->plen;
	if (*skip >= f->plen) {
		*skip -= f->plen;
		return 0;
	}
	*off = *skip;
	*skip = 0;
	return 1;
}

static __always_inline int tcp_in(struct xdp_md *ctx, struct scratch *s, const struct flow *f,
				  __u64 now)
{
	struct kvc_conn *c = bpf_map_lookup_elem(&conns, &f->ck);
	__u32 off, i;

	if (f->syn) {
		if (c)
			conn_close_all(c, now);
		__builtin_memset(&s->conn, 0, sizeof(s->conn));
		s->conn.next_in = f->tseq + 1;
		if (bpf_map_update_elem(&conns, &f->ck, &s->conn, BPF_ANY))
			untracked(now);
		return XDP_PASS;
	}
	if (!f->plen)
		return XDP_PASS;
	if (f->opaque && c) {
		count(KVC_OPAQUE);
		desync(c, now); /* a fragmented segment: its stream cannot be followed */
		return XDP_PASS;
	}
	if (!c) {
		/* a connection older than the cache: its stream cannot be followed */
		__builtin_memset(&s->conn, 0, sizeof(s->conn));
		bpf_map_update_elem(&conns, &f->ck, &s->conn, BPF_ANY);
		c = bpf_map_lookup_elem(&conns, &f->ck);
		if (c)
			desync(c, now);
		else
			untracked(now);
		return XDP_PASS;
	}
	if (c->desync) {
		desync(c, now); /* flush again: this segment may write */
		return XDP_PASS;
	}
	if (kvc_in_order(c, f, 1, &c->next_in, &c->skip_in, &off, now) <= 0)
		return XDP_PASS;
	for (i = 0; i < 16; i++) {
		__u32 rest, n;
		int adv;

		if (off >= f->plen)
			break;
		n = kvc_chunk(f, off, &rest);
		if (n < 1 || KVC_LOAD(bpf_xdp_load_bytes, ctx, s, f, off, n)) {
			desync(c, now);
			return XDP_PASS;
		}
		adv = kvc_tcp_cmd(s, c, n, now);
		if (adv <= 0) {
			desync(c, now);
			return XDP_PASS;
		}
		if ((__u32)adv > rest) {
			c->skip_in = (__u32)adv - rest;
			return XDP_PASS;
		}
		off += (__u32)adv;
	}
	if (off < f->plen)
		desync(c, now); /* more commands in one segment than followed */
	return XDP_PASS;
}

#endif
