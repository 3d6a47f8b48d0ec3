// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP load generator's programs on prepared frames. Transmit: from a page holding
 * anything (an earlier reply), it writes exactly the request the socket engine would send
 * (headers, the memcached request id or the echo seq, the keys) and records the request in
 * flight; it keeps the window and the pace. Receive: it matches a reply to the request in
 * flight, times it into the histogram bucket lib/stats would use, counts an unknown id as
 * unmatched and a reply past the timeout as late, and passes what is not a reply to it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/bpfutil.h"
#include "lib/pkt.h"
#include "lib/stats.h"
#include "loadgen/lg_xdp_int.h"
#include "lg_xdp.skel.h"

BPFT_SKELETON(lg_xdp, bpf_map__set_max_entries(skel->maps.lgx_keys, 64))

static const struct pkt_addrs addrs = BPFT_ADDRS(0xcb2b); /* to 11211 */

static void lgx_addrs_of(const struct pkt_addrs *p, struct lgx_addrs *a)
{
	memcpy(a->src_mac, p->src_mac, 6);
	memcpy(a->dst_mac, p->dst_mac, 6);
	a->src_ip = p->src_ip;
	a->dst_ip = p->dst_ip;
	a->src_port = p->src_port;
	a->dst_port = p->dst_port;
}

static uint64_t counter(__u32 what)
{
	uint64_t v = 0;

	assert_int_equal(bpfu_percpu_sum(bpf_map__fd(skel->maps.lgx_cnt), what, &v), 0);
	return v;
}

static void zero_percpu(struct bpf_map *m)
{
	static char zero[1 << 16];
	__u32 i;

	for (i = 0; i < bpf_map__max_entries(m); i++)
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(m), &i, zero, BPF_ANY), 0);
}

/* A fresh engine: no request in flight, counters and histogram at zero, cfg from f. */
static void reset(const struct lgx_frame *f, __u32 kind, __u32 mode)
{
	struct lgx_slot zero = { 0 };
	__u32 i, k = 0;
	struct lgx_tmpl t;

	for (i = 0; i < LGX_IDS; i++)
		bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_slots), &i, &zero, BPF_ANY);
	zero_percpu(skel->maps.lgx_cnt);
	zero_percpu(skel->maps.lgx_hsum);
	memset(&skel->bss->st, 0, sizeof(skel->bss->st));
	memset(&skel->bss->cfg, 0, sizeof(skel->bss->cfg));
	memset(&t, 0, sizeof(t));
	memcpy(t.b, f->b, f->head);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_tmpl), &k, &t, BPF_ANY), 0);
	skel->bss->cfg.kind = kind;
	skel->bss->cfg.mode = mode;
	skel->bss->cfg.head_len = (__u32)f->head;
	skel->bss->cfg.id_off = f->id_off;
	skel->bss->cfg.key_off = f->key_off;
	skel->bss->cfg.key_w = f->key_w;
	skel->bss->cfg.multi = f->multi;
	skel->bss->cfg.timeout_ns = 1000000000ULL;
	skel->bss->cfg.window = 1000;
	skel->bss->cfg.slot_mask = LGX_IDS - 1;
	skel->bss->cfg.saddr = addrs.src_ip;
	skel->bss->cfg.sport = addrs.src_port;
	skel->bss->cfg.dport = addrs.dst_port;
	skel->bss->cfg.armed = 1;
}

static void set_keys(const char *const *keys, unsigned int n)
{
	__u32 i;

	for (i = 0; i < n; i++) {
		struct lgx_key k;

		memset(&k, 0, sizeof(k));
		memcpy(k.b, keys[i], strlen(keys[i]));
		assert_int_equal(
			bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_keys), &i, &k, BPF_ANY), 0);
	}
	skel->bss->cfg.nkeys[0] = n;
}

/*
 * One run of the transmit program on a page that holds len + 1 bytes of garbage (the frame
 * and the byte it trims); the frame it sends is len bytes.
 */
static __u32 tx(unsigned char *out, size_t len)
{
	unsigned char in[LGX_FRAME_CAP];
	__u32 ret, out_len = 0;

	memset(in, 0xee, len + 1);
	assert_int_equal(
		bpft_run(skel->progs.olab_lgx_tx, in, len + 1, &ret, out, LGX_FRAME_CAP, &out_len),
		0);
	if (ret == XDP_TX)
		assert_int_equal(out_len, len);
	return ret;
}

static __u32 rx(const unsigned char *pkt, size_t len)
{
	__u32 ret;

	assert_int_equal(bpft_run(skel->progs.olab_lgx_rx, pkt, len, &ret, NULL, 0, NULL), 0);
	return ret;
}

static struct lgx_slot slot(__u32 id)
{
	struct lgx_slot s;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lgx_slots), &id, &s), 0);
	return s;
}

/* The memcached frame the socket engine sends for "get KEYS" with request id id. */
static size_t mc_get(unsigned char *buf, const struct pkt_addrs *a, uint16_t id, const char *keys)
{
	unsigned char p[256] = { (uint8_t)(id >> 8), (uint8_t)id, 0, 0, 0, 1, 0, 0 };
	int n = snprintf((char *)p + 8, sizeof(p) - 8, "get %s\r\n", keys);
	size_t len = pkt_build_udp4(buf, LGX_FRAME_CAP, a, p, 8 + (size_t)n);

	buf[40] = buf[41] = 0; /* no UDP checksum */
	return len;
}

static struct lg_mc mc_of(unsigned int keys, unsigned int multi)
{
	struct lg_mc mc = { .keys = keys, .key_digits = 4, .multi = multi, .udp = true };

	snprintf(mc.prefix, sizeof(mc.prefix), "kvA");
	return mc;
}

static void mc_frame(struct lgx_frame *f, struct lg_mc *mc)
{
	struct lg_app app;
	struct lgx_addrs a;
	char why[200] = "";

	lg_mc_app(&app, mc);
	lgx_addrs_of(&addrs, &a);
	assert_int_equal(lgx_frame_build(f, &a, &app, why, sizeof(why)), 0);
}

static void test_tx_writes_the_get_and_its_id(void **state)
{
	static const char *const keys[] = { "kvA0042" };
	unsigned char out[LGX_FRAME_CAP], want[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(100, 1);
	struct lgx_frame f;
	struct lgx_slot s;
	size_t wl;
	int i;

	(void)state;
	mc_frame(&f, &mc);
	reset(&f, LGX_MC, LGX_FLOOD);
	set_keys(keys, 1);
	for (i = 0; i < 3; i++) {
		assert_int_equal(tx(out, f.len), XDP_TX);
		wl = mc_get(want, &addrs, (uint16_t)i, "kvA0042");
		assert_int_equal(wl, f.len);
		assert_memory_equal(out, want, wl);
		s = slot((__u32)i);
		assert_int_equal(s.state, 1);
		assert_int_equal(s.seq, i);
		assert_true(s.t0 > 0 && s.t0 <= bpfu_now_ns());
	}
	assert_int_equal(counter(LGX_BUILT), 3);
	assert_int_equal(skel->bss->st.inflight, 3);
	assert_int_equal(skel->bss->st.max_inflight, 3);
	/* the id is the low 16 bits of the request's number */
	skel->bss->st.seq = 0x12345;
	assert_int_equal(tx(out, f.len), XDP_TX);
	wl = mc_get(want, &addrs, 0x2345, "kvA0042");
	assert_memory_equal(out, want, wl);
	assert_int_equal(slot(0x2345).seq, 0x12345);
}

static void test_tx_multi_key_get_from_the_table(void **state)
{
	static const char *const keys[] = { "kvA0000", "kvA0001", "kvA0002" };
	unsigned char out[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(3, 3);
	struct lgx_frame f;
	bool seen[3] = { false };
	int i, k;

	(void)state;
	mc_frame(&f, &mc);
	assert_int_equal(f.len, 42 + 8 + strlen("get kvA0000 kvA0001 kvA0002\r\n"));
	reset(&f, LGX_MC, LGX_FLOOD);
	set_keys(keys, 3);
	for (i = 0; i < 60; i++) {
		const char *p = (const char *)out + 50;

		assert_int_equal(tx(out, f.len), XDP_TX);
		assert_memory_equal(p, "get ", 4);
		for (k = 0; k < 3; k++) {
			const char *key = p + 4 + k * 8;

			assert_memory_equal(key, "kvA000", 6);
			assert_true(key[6] >= '0' && key[6] <= '2');
			seen[key[6] - '0'] = true;
			assert_int_equal(key[7], k < 2 ? ' ' : '\r');
		}
		assert_int_equal(p[4 + 3 * 8], '\n');
	}
	assert_true(seen[0] && seen[1] && seen[2]); /* 180 draws of 3 keys */
}

static void test_tx_writes_the_echo_seq(void **state)
{
	unsigned char out[LGX_FRAME_CAP], want[LGX_FRAME_CAP], payload[100];
	struct lg_app app = lg_echo_app;
	uint32_t hdr[4] = { LGX_ECHO_MAGIC, 7, 0, 0 };
	struct lgx_addrs a;
	struct lgx_frame f;
	char why[200];
	size_t wl;

	(void)state;
	app.size = sizeof(payload);
	lgx_addrs_of(&addrs, &a);
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), 0);
	reset(&f, LGX_ECHO, LGX_FLOOD);
	skel->bss->st.seq = 7;
	assert_int_equal(tx(out, f.len), XDP_TX);
	/* the socket codec's request: header, then 0x5a; the padding is the template's */
	memset(payload, 0x5a, sizeof(payload));
	memcpy(payload, hdr, sizeof(hdr));
	wl = pkt_build_udp4(want, sizeof(want), &addrs, payload, sizeof(payload));
	want[40] = want[41] = 0;
	assert_int_equal(wl, f.len);
	/* every byte the program writes; the padding of a used page is whatever it held */
	assert_memory_equal(out, want, f.head);
	assert_int_equal(f.head, 42 + 16);
	assert_int_equal(slot(7).seq, 7);
}

static void test_tx_keeps_the_window_and_the_pace(void **state)
{
	static const char *const keys[] = { "kvA0000" };
	unsigned char out[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(1, 1);
	struct lgx_frame f;

	(void)state;
	mc_frame(&f, &mc);
	reset(&f, LGX_MC, LGX_CLOSED);
	set_keys(keys, 1);
	skel->bss->cfg.window = 2;
	assert_int_equal(tx(out, f.len), XDP_TX);
	assert_int_equal(tx(out, f.len), XDP_TX);
	assert_int_equal(tx(out, f.len), XDP_DROP);
	assert_int_equal(counter(LGX_WINDOW_FULL), 1);
	assert_int_equal(counter(LGX_BUILT), 2);
	/* the oldest times out: it leaves the window, one more may go */
	skel->bss->cfg.timeout_ns = 1;
	assert_int_equal(tx(out, f.len), XDP_TX);
	assert_int_equal(counter(LGX_EXPIRED), 2);
	assert_int_equal(skel->bss->st.inflight, 1);

	/* open loop: the first request is due at once, the next one a second later */
	reset(&f, LGX_MC, LGX_FIXED);
	set_keys(keys, 1);
	skel->bss->cfg.gap_ns = 1000000000ULL;
	skel->bss->st.next_due = bpfu_now_ns();
	assert_int_equal(tx(out, f.len), XDP_TX);
	assert_int_equal(tx(out, f.len), XDP_DROP);
	assert_int_equal(counter(LGX_NOT_DUE), 1);
	/* a count reached, or not armed: nothing more */
	reset(&f, LGX_MC, LGX_FLOOD);
	set_keys(keys, 1);
	skel->bss->cfg.count = 1;
	assert_int_equal(tx(out, f.len), XDP_TX);
	assert_int_equal(tx(out, f.len), XDP_DROP);
	skel->bss->cfg.armed = 0;
	skel->bss->cfg.count = 0;
	assert_int_equal(tx(out, f.len), XDP_DROP);
	assert_int_equal(counter(LGX_IDLE), 2);
}

/* The reply memcached would send for request id to our port. */
static size_t mc_reply(unsigned char *buf, uint16_t id, const char *text)
{
	struct pkt_addrs r = addrs;
	unsigned char p[256] = { (uint8_t)(id >> 8), (uint8_t)id, 0, 0, 0, 1, 0, 0 };
	size_t n = strlen(text);

	memcpy(r.src_mac, addrs.dst_mac, 6);
	memcpy(r.dst_mac, addrs.src_mac, 6);
	r.src_ip = addrs.dst_ip;
	r.dst_ip = addrs.src_ip;
	r.src_port = addrs.dst_port;
	r.dst_port = addrs.src_port;
	memcpy(p + 8, text, n);
	return pkt_build_udp4(buf, LGX_FRAME_CAP, &r, p, 8 + n);
}

/* Buckets of class cls holding a sample: their index into *idx, their count returned. */
static uint64_t hist_count(__u32 cls, size_t *idx)
{
	uint64_t n = 0, v;
	__u32 i;

	for (i = 0; i < STATS_HIST_BUCKETS; i++) {
		__u32 k = cls * STATS_HIST_BUCKETS + i;

		assert_int_equal(bpfu_percpu_sum(bpf_map__fd(skel->maps.lgx_hist), k, &v), 0);
		if (v) {
			*idx = i;
			n += v;
		}
	}
	return n;
}

static struct lgx_hsum hsum(__u32 cls)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	struct lgx_hsum v[256], t = { 0 };

	assert_true(ncpu > 0 && ncpu <= 256);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lgx_hsum), &cls, v), 0);
	for (i = 0; i < ncpu; i++) {
		if (v[i].n && (!t.n || v[i].min < t.min))
			t.min = v[i].min;
		t.n += v[i].n;
		t.sum += v[i].sum;
		if (v[i].max > t.max)
			t.max = v[i].max;
	}
	return t;
}

static void test_rx_matches_times_and_drops_a_reply(void **state)
{
	static const char *const keys[] = { "kvA0042" };
	static const uint64_t ages[] = { 100, 3000, 250000, 7000000 };
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(100, 1);
	struct lgx_frame f;
	struct lgx_hsum h;
	size_t len, idx = 0;
	unsigned int i;

	(void)state;
	mc_frame(&f, &mc);
	reset(&f, LGX_MC, LGX_FLOOD);
	zero_percpu(skel->maps.lgx_hist);
	set_keys(keys, 1);
	for (i = 0; i < 4; i++) {
		struct lgx_slot s;
		__u32 id = i;

		assert_int_equal(tx(out, f.len), XDP_TX);
		/* the request left ages[i] ns ago */
		s = slot(id);
		s.t0 = bpfu_now_ns() - ages[i];
		assert_int_equal(
			bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_slots), &id, &s, BPF_ANY),
			0);
		len = mc_reply(rep, (uint16_t)i,
			       i % 2 ? "END\r\n" : "VALUE kvA0042 0 2\r\nvv\r\nEND\r\n");
		zero_percpu(skel->maps.lgx_hist);
		zero_percpu(skel->maps.lgx_hsum);
		assert_int_equal(rx(rep, len), XDP_DROP);
		assert_int_equal(slot(id).state, 0);
		/* one sample, in the bucket lib/stats puts its value in */
		h = hsum(0);
		assert_int_equal(h.n, 1);
		assert_int_equal(h.min, h.max);
		assert_true(h.min >= ages[i] && h.min < ages[i] + 1000000000ULL);
		assert_int_equal(hist_count(0, &idx), 1);
		assert_int_equal(idx, stats_hist_index(h.min));
	}
	assert_int_equal(counter(LGX_ANSWERED), 4);
	assert_int_equal(counter(LGX_HITS), 2);
	assert_int_equal(counter(LGX_MISSES), 2);
	assert_int_equal(skel->bss->st.inflight, 0);
	/* the same reply again: nothing in flight has its id any more */
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_UNMATCHED), 1);
	assert_int_equal(counter(LGX_ANSWERED), 4);
}

static void test_rx_counts_unknown_late_and_passes_the_rest(void **state)
{
	static const char *const keys[] = { "kvA0042" };
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(100, 1);
	struct lgx_frame f;
	struct lgx_slot s;
	size_t len, idx;
	__u32 id = 0;

	(void)state;
	mc_frame(&f, &mc);
	reset(&f, LGX_MC, LGX_FLOOD);
	zero_percpu(skel->maps.lgx_hist);
	set_keys(keys, 1);
	assert_int_equal(tx(out, f.len), XDP_TX);
	/* an id nobody asked for */
	len = mc_reply(rep, 5, "END\r\n");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_UNMATCHED), 1);
	/* the real one, after the timeout: late, not answered, not timed */
	s = slot(id);
	s.t0 = bpfu_now_ns() - 2 * skel->bss->cfg.timeout_ns;
	bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_slots), &id, &s, BPF_ANY);
	len = mc_reply(rep, 0, "END\r\n");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_LATE), 1);
	assert_int_equal(counter(LGX_ANSWERED), 0);
	assert_int_equal(hist_count(0, &idx), 0);
	/* not a reply to us: another port, another address, not IPv4, ARP; or disarmed */
	memcpy(out, rep, len);
	out[42 - 8 + 1] ^= 1; /* the reply's source port */
	assert_int_equal(rx(out, len), XDP_PASS);
	memcpy(out, rep, len);
	out[14 + 19] ^= 1; /* its destination address */
	assert_int_equal(rx(out, len), XDP_PASS);
	memcpy(out, rep, len);
	out[12] = 0x08;
	out[13] = 0x06;
	assert_int_equal(rx(out, len), XDP_PASS);
	skel->bss->cfg.kind = 0;
	assert_int_equal(rx(rep, len), XDP_PASS);
}

/* mc_reply with the frame header's datagram number and count */
static size_t mc_reply_part(unsigned char *buf, uint16_t id, uint16_t part, uint16_t total,
			    const char *text)
{
	size_t len = mc_reply(buf, id, text);

	buf[44] = (uint8_t)(part >> 8);
	buf[45] = (uint8_t)part;
	buf[46] = (uint8_t)(total >> 8);
	buf[47] = (uint8_t)total;
	return len;
}

static void test_rx_memcached_reply_in_several_datagrams(void **state)
{
	static const char *const keys[] = { "kvA0001" };
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	struct lg_mc mc = mc_of(100, 2);
	struct lgx_frame f;
	size_t len;

	(void)state;
	mc_frame(&f, &mc);
	reset(&f, LGX_MC, LGX_FLOOD);
	set_keys(keys, 1);
	assert_int_equal(tx(out, f.len), XDP_TX); /* id 0: get kvA0001 kvA0001 */
	assert_int_equal(tx(out, f.len), XDP_TX); /* id 1 */
	/* memcached 1.6: one datagram per value, each "1 of 1", END after the last */
	len = mc_reply_part(rep, 0, 0, 1, "VALUE kvA0001 0 2\r\nvv\r\n");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_PARTIAL), 1);
	assert_int_equal(counter(LGX_ANSWERED), 0);
	assert_int_equal(slot(0).state, 1);
	len = mc_reply_part(rep, 0, 0, 1, "VALUE kvA0001 0 2\r\nvv\r\nEND\r\n");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 1);
	assert_int_equal(counter(LGX_HITS), 2);
	/* a value split over three datagrams: the last one answers */
	len = mc_reply_part(rep, 1, 0, 3, "VALUE kvA0001 0 3000\r\nvvvv");
	assert_int_equal(rx(rep, len), XDP_DROP);
	len = mc_reply_part(rep, 1, 1, 3, "vvvv");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 1);
	len = mc_reply_part(rep, 1, 2, 3, "vv\r\nEND\r\n");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 2);
	assert_int_equal(counter(LGX_PARTIAL), 3);
	assert_int_equal(counter(LGX_UNMATCHED), 0);
	assert_int_equal(skel->bss->st.inflight, 0);
	/* a frame with bytes past its UDP length (an in-place reply not trimmed): its end is
	 * the datagram's */
	assert_int_equal(tx(out, f.len), XDP_TX); /* id 2 */
	len = mc_reply_part(rep, 2, 0, 1, "VALUE kvA0001 0 2\r\nvv\r\nEND\r\n");
	memset(rep + len, 'x', 20);
	assert_int_equal(rx(rep, len + 20), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 3);
	assert_int_equal(counter(LGX_PARTIAL), 3);
}

static void test_rx_echo_needs_the_whole_seq(void **state)
{
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	struct lg_app app = lg_echo_app;
	struct lgx_addrs a;
	struct lgx_frame f;
	char why[200];
	uint32_t seq;

	(void)state;
	lgx_addrs_of(&addrs, &a);
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), 0);
	reset(&f, LGX_ECHO, LGX_FLOOD);
	assert_int_equal(tx(out, f.len), XDP_TX); /* seq 0 */
	/* the echo: headers swapped, the payload as it was */
	memcpy(rep, out, f.len);
	memcpy(rep, out + 6, 6);
	memcpy(rep + 6, out, 6);
	memcpy(rep + 26, out + 30, 4);
	memcpy(rep + 30, out + 26, 4);
	memcpy(rep + 34, out + 36, 2);
	memcpy(rep + 36, out + 34, 2);
	/* the same id (low 16 bits), another request: not this one */
	seq = 0x10000;
	memcpy(rep + 46, &seq, 4);
	assert_int_equal(rx(rep, f.len), XDP_DROP);
	assert_int_equal(counter(LGX_UNMATCHED), 1);
	seq = 0;
	memcpy(rep + 46, &seq, 4);
	assert_int_equal(rx(rep, f.len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 1);
}

static void test_frame_refuses_what_it_cannot_send(void **state)
{
	struct lg_mc mc = mc_of(1000, 1);
	struct lg_app app = lg_echo_app;
	struct lgx_addrs a;
	struct lgx_frame f;
	char why[300];

	(void)state;
	lgx_addrs_of(&addrs, &a);
	/* keys of two widths */
	mc.key_digits = 0;
	lg_mc_app(&app, &mc);
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "one width"));
	/* sets */
	mc.key_digits = 4;
	mc.set_pct = 10;
	lg_mc_app(&app, &mc);
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "GETs only"));
	/* a frame larger than a page less its headroom */
	app = lg_echo_app;
	app.size = lg_xdp_frame_max();
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), -EMSGSIZE);
	assert_non_null(strstr(why, "headroom"));
	app.size = lg_xdp_frame_max() - 42 - 1;
	assert_int_equal(lgx_frame_build(&f, &a, &app, why, sizeof(why)), 0);
	assert_int_equal(f.in_len, f.len + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_writes_the_get_and_its_id),
		cmocka_unit_test(test_tx_multi_key_get_from_the_table),
		cmocka_unit_test(test_tx_writes_the_echo_seq),
		cmocka_unit_test(test_tx_keeps_the_window_and_the_pace),
		cmocka_unit_test(test_rx_matches_times_and_drops_a_reply),
		cmocka_unit_test(test_rx_counts_unknown_late_and_passes_the_rest),
		cmocka_unit_test(test_rx_memcached_reply_in_several_datagrams),
		cmocka_unit_test(test_rx_echo_needs_the_whole_seq),
		cmocka_unit_test(test_frame_refuses_what_it_cannot_send),
	};

	return cmocka_run_group_tests(tests, bpft_setup, bpft_teardown);
}
