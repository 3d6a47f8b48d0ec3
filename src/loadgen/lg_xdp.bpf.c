// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP engine of the load generator. olab_lgx_tx is run by BPF_PROG_RUN in live-frames mode
 * (BPF_F_TEST_XDP_LIVE_FRAMES) on the generator's device: each run is a slot that either
 * becomes a request (the frame written from the template, its id and keys, XDP_TX) or is
 * dropped (not due yet, window full). olab_lgx_rx sits on the same device's XDP hook: it
 * matches replies to the requests in flight, times them into a log-linear histogram and drops
 * them; everything else passes. olab_lgx_xmit counts what the device took and refused.
 *
 * A live-frames page keeps its bytes between uses, and a server answering by XDP_TX writes
 * its reply into that very page: every field that varies is written every time, and the
 * template's head (headers and fixed text) too.
 */
#include "vmlinux.h"
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "loadgen/lg_xdp.h"

#define ETH_P_IP_BE bpf_htons(0x0800)
#define IPPROTO_UDP_ 17

struct lgx_cfg cfg;
struct lgx_state st;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LGX_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} lgx_cnt SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LGX_IDS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct lgx_slot);
} lgx_slots SEC(".maps");

/* sized by the loader: every key of both classes */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct lgx_key);
} lgx_keys SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LGX_PICK);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64); /* an array's values are 8 bytes apart when mapped: say so */
} lgx_pick SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LGX_GAPS);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, __u64);
} lgx_gaps SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct lgx_tmpl);
} lgx_tmpl SEC(".maps");

/* raw: the requests, sized by the loader */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct lgx_raw);
} lgx_raw SEC(".maps");

/* bucket counts, class * LGX_HIST_BUCKETS + bucket, in lib/stats' layout */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LGX_CLASSES *LGX_HIST_BUCKETS);
	__type(key, __u32);
	__type(value, __u64);
} lgx_hist SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LGX_CLASSES);
	__type(key, __u32);
	__type(value, struct lgx_hsum);
} lgx_hsum SEC(".maps");

static __always_inline void cnt(__u32 what, __u64 n)
{
	__u64 *c = bpf_map_lookup_elem(&lgx_cnt, &what);

	if (c)
		*c += n;
}

/* lib/stats.c's stats_hist_index(): exact below 256, then 128 buckets per power of two */
static __always_inline __u32 hist_index(__u64 v)
{
	__u32 msb = 0, shift, idx;
	__u64 x = v;

	if (v < 256)
		return (__u32)v;
	if (x >> 32) {
		msb += 32;
		x >>= 32;
	}
	if (x >> 16) {
		msb += 16;
		x >>= 16;
	}
	if (x >> 8) {
		msb += 8;
		x >>= 8;
	}
	if (x >> 4) {
		msb += 4;
		x >>= 4;
	}
	if (x >> 2) {
		msb += 2;
		x >>= 2;
	}
	if (x >> 1)
		msb += 1;
	shift = msb - 7;
	idx = 256 + (shift - 1) * 128 + (__u32)((v >> shift) - 128);
	return idx < LGX_HIST_BUCKETS ? idx : LGX_HIST_BUCKETS - 1;
}

static __always_inline void hist_add(__u32 cls, __u64 v)
{
	__u32 key = cls * LGX_HIST_BUCKETS + hist_index(v);
	struct lgx_hsum *h;
	__u64 *b;

	b = bpf_map_lookup_elem(&lgx_hist, &key);
	if (b)
		*b += 1;
	h = bpf_map_lookup_elem(&lgx_hsum, &cls);
	if (!h)
		return;
	if (!h->n || v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	h->n++;
	h->sum += v;
}

/* The second class: the socket codec's rule, so both engines split a run alike. */
static __always_inline __u32 class_of(__u64 seq)
{
	__u32 s = (__u32)seq;

	if (cfg.alt_every)
		return s % cfg.alt_every == cfg.alt_every - 1;
	return cfg.alt_pct && ((s * 2654435761u) >> 16) % 100 < cfg.alt_pct;
}

static __always_inline __u32 pick_key(__u32 cls)
{
	__u32 n = cfg.nkeys[cls & 1], r = bpf_get_prandom_u32(), idx;
	__u64 *p;

	if (!n)
		return cfg.key_base[cls & 1];
	if (cls == 0 && cfg.zipf) {
		r &= LGX_PICK - 1;
		p = bpf_map_lookup_elem(&lgx_pick, &r);
		idx = p && *p < n ? (__u32)*p : 0;
	} else {
		idx = r % n;
	}
	return cfg.key_base[cls & 1] + idx;
}

static __always_inline void inflight_add(__s64 d)
{
	__sync_fetch_and_add(&st.inflight, d);
}

/* Closed loop: requests past the timeout leave the window (in seq order, a few per call). */
static __always_inline void expire(__u64 now)
{
	int i;

	for (i = 0; i < LGX_EXPIRE_STEPS; i++) {
		__u64 o = st.oldest;
		__u32 key = (__u32)o & cfg.slot_mask, s;
		struct lgx_slot *sl;

		if (o >= st.seq)
			break;
		sl = bpf_map_lookup_elem(&lgx_slots, &key);
		if (!sl)
			break;
		s = sl->state;
		if (s && sl->seq == (__u32)o) {
			if (now - sl->t0 < cfg.timeout_ns)
				break;
			if (__sync_val_compare_and_swap(&sl->state, s, 0) == s) {
				cnt(LGX_EXPIRED, 1);
				inflight_add(-1);
			}
		}
		st.oldest = o + 1;
	}
}

/* Write request seq of class cls into the frame: template head, then what varies. */
static __always_inline int write_request(struct xdp_md *ctx, __u64 seq, __u32 cls)
{
	__u32 k = 0, len = cfg.head_len, w = cfg.key_w, i;
	struct lgx_tmpl *t = bpf_map_lookup_elem(&lgx_tmpl, &k);

	if (!t || len < 14 || len > LGX_HEAD_MAX)
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, t->b, len))
		return -1;
	if (cfg.kind != LGX_MC) {
		__u32 s = (__u32)seq;

		return bpf_xdp_store_bytes(ctx, cfg.id_off, &s, sizeof(s)) ? -1 : 0;
	}
	{
		__u16 id = bpf_htons((__u16)seq);

		if (bpf_xdp_store_bytes(ctx, cfg.id_off, &id, sizeof(id)))
			return -1;
	}
	if (w == 0 || w > LGX_KEY_MAX)
		return -1;
	for (i = 0; i < LGX_MULTI_MAX; i++) {
		struct lgx_key *key;

		if (i >= cfg.multi)
			break;
		k = pick_key(cls);
		key = bpf_map_lookup_elem(&lgx_keys, &k);
		if (!key || bpf_xdp_store_bytes(ctx, cfg.key_off + i * (w + 1), key->b, w))
			return -1;
	}
	return 0;
}

/* raw: seq -> a slot of the pick table, spread so that a short run sees every request */
static __always_inline __u32 raw_draw(__u64 seq)
{
	__u32 x = (__u32)seq * 0x9e3779b1u;

	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x & (LGX_PICK - 1);
}

/*
 * raw: the frame of the request drawn for seq, trimmed to its length (it is at most the page's
 * frame less one byte: the context changes every time, as in olab_lgx_tx), and the slot's
 * source port; its class into *cls.
 */
static __always_inline int write_raw(struct xdp_md *ctx, __u64 seq, __u32 *cls)
{
	__u32 k = raw_draw(seq), len;
	__u64 *p = bpf_map_lookup_elem(&lgx_pick, &k);
	struct lgx_raw *e;
	__u16 port;
	int have;

	if (!p)
		return -1;
	k = (__u32)*p;
	e = bpf_map_lookup_elem(&lgx_raw, &k);
	if (!e)
		return -1;
	len = e->len;
	*cls = e->cls < LGX_CLASSES ? e->cls : 0;
	have = (int)(ctx->data_end - ctx->data);
	if (len < 42 || len > LGX_RAW_MAX || (int)len >= have ||
	    bpf_xdp_adjust_tail(ctx, (int)len - have))
		return -1;
	if (bpf_xdp_store_bytes(ctx, 0, e->b, len))
		return -1;
	port = bpf_htons((__u16)(cfg.port_base + ((__u32)seq & cfg.slot_mask)));
	return bpf_xdp_store_bytes(ctx, 34, &port, sizeof(port)) ? -1 : 0;
}

SEC("xdp")
int olab_lgx_tx(struct xdp_md *ctx)
{
	__u64 now, t0, seq, infl;
	__u32 cls, key, old;
	struct lgx_slot *sl;

	if (!*(volatile __u32 *)&cfg.armed || (cfg.count && st.seq - st.seq0 >= cfg.count)) {
		cnt(LGX_IDLE, 1);
		return XDP_DROP;
	}
	now = bpf_ktime_get_ns();
	if (cfg.end_ns && now >= cfg.end_ns) {
		cnt(LGX_IDLE, 1);
		return XDP_DROP;
	}
	t0 = now;
	if (cfg.mode == LGX_CLOSED) {
		if (st.inflight >= cfg.window) {
			expire(now);
			if (st.inflight >= cfg.window) {
				cnt(LGX_WINDOW_FULL, 1);
				return XDP_DROP;
			}
		}
	} else if (cfg.mode == LGX_FIXED || cfg.mode == LGX_POISSON) {
		if (now < st.next_due) {
			cnt(LGX_NOT_DUE, 1);
			return XDP_DROP;
		}
		t0 = st.next_due;
		if (now - t0 > LGX_LATE_NS)
			cnt(LGX_LATE_SEND, 1);
		if (cfg.mode == LGX_FIXED) {
			st.next_due = t0 + cfg.gap_ns;
		} else {
			__u32 r = bpf_get_prandom_u32() & (LGX_GAPS - 1);
			__u64 *g = bpf_map_lookup_elem(&lgx_gaps, &r);

			st.next_due = t0 + (g ? *g : cfg.gap_ns);
		}
	}
	/*
	 * Trim the template's last byte, every time: a changed context makes the kernel rebuild
	 * the frame from it. Otherwise a page whose frame a server grew at the tail (an XDP_TX
	 * reply) would go out again with the reply's length (test_run.c's frame_was_changed()
	 * looks at the data pointer and flags only).
	 */
	seq = st.seq;
	cls = cfg.kind == LGX_RAW ? 0 : class_of(seq);
	if (cfg.kind == LGX_RAW ? write_raw(ctx, seq, &cls)
				: bpf_xdp_adjust_tail(ctx, -1) || write_request(ctx, seq, cls)) {
		cnt(LGX_IDLE, 1);
		return XDP_DROP;
	}
	st.seq = seq + 1;
	cnt(LGX_BUILT, 1);
	if (cfg.kind == LGX_SINK)
		return XDP_TX; /* nothing comes back: no slot */
	key = (__u32)seq & cfg.slot_mask;
	sl = bpf_map_lookup_elem(&lgx_slots, &key);
	if (!sl)
		return XDP_TX;
	old = sl->state;
	/* the id comes round again while its request is unanswered: that one is lost */
	if (old && __sync_val_compare_and_swap(&sl->state, old, 0) == old) {
		cnt(LGX_EXPIRED, 1);
		inflight_add(-1);
	}
	sl->t0 = t0;
	sl->seq = (__u32)seq;
	/* the slot is whole before it is live (x86 keeps stores in order) */
	asm volatile("" ::: "memory");
	sl->state = 1 + cls;
	infl = __sync_fetch_and_add(&st.inflight, 1) + 1;
	if (infl > st.max_inflight)
		st.max_inflight = infl;
	return XDP_TX;
}

/*
 * Whether the datagram ends with "END\r\n": the last of a reply. Its end is the UDP
 * length's: a frame may carry bytes past it (a server that answers in place may not trim).
 */
static __always_inline bool ends_with_end(struct xdp_md *ctx, const struct udphdr *udp)
{
	__u32 end = 14 + 20 + bpf_ntohs(udp->len);
	__u8 t[5];

	if (end < 14 + 20 + 8 + 8 + 5 || end > ctx->data_end - ctx->data ||
	    bpf_xdp_load_bytes(ctx, end - 5, t, 5))
		return false;
	return t[0] == 'E' && t[1] == 'N' && t[2] == 'D' && t[3] == '\r' && t[4] == '\n';
}

/*
 * Whether a memcached datagram completes its reply, counting values and misses. memcached
 * 1.6 sends each value of a multi-key GET as a datagram of its own (each "1 of 1"), the END
 * after the last one; a value too large for one datagram comes as "k of n".
 */
static __always_inline bool mc_complete(struct xdp_md *ctx, const struct udphdr *udp, const __u8 *p,
					const void *end, __u16 part, __u16 total)
{
	bool value;

	if (total > 1 && part + 1 != total)
		return false;
	if ((const void *)(p + 5) > end)
		return true; /* too short for anything but an error line */
	value = part == 0 && p[0] == 'V' && p[1] == 'A' && p[2] == 'L' && p[3] == 'U' &&
		p[4] == 'E';
	if (value || total > 1)
		cnt(LGX_HITS, 1);
	else if (p[0] == 'E' && p[1] == 'N' && p[2] == 'D' && p[3] == '\r' && p[4] == '\n')
		cnt(LGX_MISSES, 1);
	return (!value && total == 1) || ends_with_end(ctx, udp);
}

SEC("xdp")
int olab_lgx_rx(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip + 1);
	__u8 *p = (void *)(udp + 1);
	__u32 kind = cfg.kind, id, seq = 0, s, cls;
	struct lgx_slot *sl;
	__u64 t0, now, d;

	if (!kind || (void *)p > end || eth->h_proto != ETH_P_IP_BE || ip->ihl != 5 ||
	    ip->protocol != IPPROTO_UDP_ || udp->source != cfg.dport || ip->daddr != cfg.saddr)
		return XDP_PASS;
	if (kind == LGX_RAW) {
		/* the port it comes back to is the slot; the payload is the server's business */
		id = (__u32)bpf_ntohs(udp->dest) - cfg.port_base;
		if (id > cfg.slot_mask)
			return XDP_PASS;
	} else if (udp->dest != cfg.sport) {
		return XDP_PASS;
	} else if (kind == LGX_MC) {
		__u16 total, part;

		if ((void *)(p + 8) > end) {
			cnt(LGX_UNMATCHED, 1);
			return XDP_DROP;
		}
		id = (__u32)p[0] << 8 | p[1];
		part = (__u16)(p[2] << 8 | p[3]);
		total = (__u16)(p[4] << 8 | p[5]);
		/* a reply over several datagrams counts when its last one arrives */
		if (!mc_complete(ctx, udp, p + 8, end, part, total)) {
			cnt(LGX_PARTIAL, 1);
			return XDP_DROP;
		}
	} else if (kind == LGX_ECHO) {
		__u32 magic;

		if ((void *)(p + 8) > end) {
			cnt(LGX_UNMATCHED, 1);
			return XDP_DROP;
		}
		__builtin_memcpy(&magic, p, 4);
		__builtin_memcpy(&seq, p + 4, 4);
		if (magic != LGX_ECHO_MAGIC) {
			cnt(LGX_UNMATCHED, 1);
			return XDP_DROP;
		}
		id = seq & (LGX_IDS - 1);
	} else {
		cnt(LGX_UNMATCHED, 1); /* a sink's datagrams have no replies */
		return XDP_DROP;
	}
	sl = bpf_map_lookup_elem(&lgx_slots, &id);
	if (!sl)
		return XDP_DROP;
	s = sl->state;
	t0 = sl->t0;
	if (!s || (kind == LGX_ECHO && sl->seq != seq) ||
	    __sync_val_compare_and_swap(&sl->state, s, 0) != s) {
		cnt(LGX_UNMATCHED, 1);
		return XDP_DROP;
	}
	inflight_add(-1);
	now = bpf_ktime_get_ns();
	d = now > t0 ? now - t0 : 0;
	if (d > cfg.timeout_ns) {
		cnt(LGX_LATE, 1);
		return XDP_DROP;
	}
	cls = s - 1 < LGX_CLASSES ? s - 1 : 0;
	cnt(cls ? LGX_ANSWERED_ALT : LGX_ANSWERED, 1);
	if (t0 >= cfg.record_from)
		hist_add(cls, d);
	return XDP_DROP;
}

/* What the generator's device took from the transmit program's batches, and refused. */
SEC("tp_btf/xdp_devmap_xmit")
int BPF_PROG(olab_lgx_xmit, const struct net_device *from_dev, const struct net_device *to_dev,
	     int sent, int drops, int err)
{
	if (!cfg.ifindex || to_dev->ifindex != (int)cfg.ifindex ||
	    to_dev->nd_net.net->ns.inum != cfg.netns)
		return 0;
	if (sent > 0)
		cnt(LGX_XMIT_SENT, (__u64)sent);
	if (drops > 0)
		cnt(LGX_XMIT_DROPS, (__u64)drops);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
