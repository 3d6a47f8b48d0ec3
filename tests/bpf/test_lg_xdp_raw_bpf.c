// SPDX-License-Identifier: GPL-2.0
/*
 * The XDP load generator's raw requests (any UDP payloads, offloadlab try's workloads) on
 * prepared frames. Transmit: from a page holding anything, it writes the frame of the request
 * the draw names for seq (its length, its bytes) and the slot's source port, and records the
 * request in flight; a slot taken again while in flight counts the old request as lost.
 * Receive: a reply is matched by the port it comes back to (its payload is never read), timed
 * into the histogram, a reply to a free slot counted as unmatched, and what is not to our
 * ports from the server's passes. With classes, each request is timed in its own (offloadlab
 * try's latency in the mix). The table builder refuses what the engine cannot send.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/bpfutil.h"
#include "lib/pkt.h"
#include "lib/stats.h"
#include "loadgen/lg_xdp_int.h"
#include "lg_xdp.skel.h"

#define NRAW 3
#define BASE 20000

BPFT_SKELETON(lg_xdp, bpf_map__set_max_entries(skel->maps.lgx_raw, NRAW))

static const struct pkt_addrs addrs = BPFT_ADDRS(0xcb2b); /* to 11211 */

/* three payloads of different lengths, any bytes, in classes 0, 2 and 1 */
static const unsigned char p0[] = "hello\n";
static unsigned char p1[300];
static const unsigned char p2[] = { 0x00 };
static const struct lg_raw_req reqs[NRAW] = {
	{ p0, sizeof(p0) - 1, 0 },
	{ p1, sizeof(p1), 2 },
	{ p2, sizeof(p2), 1 },
};
static uint32_t pick[LG_PICK];
static struct lgx_frame frame;

/* olab_lgx_tx's draw (raw_draw): seq -> a slot of the pick table */
static uint32_t draw(uint32_t seq)
{
	uint32_t x = seq * 0x9e3779b1u;

	x ^= x >> 15;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x & (LG_PICK - 1);
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

/*
 * A fresh engine with the table of reqs (lgx_raw_fill; classed: each timed in its class) and
 * ports BASE + slot_mask + 1.
 */
static void reset_classed(__u32 mode, __u32 slot_mask, bool classed)
{
	struct lg_raw raw = { reqs, NRAW, pick };
	struct lgx_addrs a;
	struct lgx_slot zero = { 0 };
	struct lgx_raw *tab;
	uint64_t *pk;
	size_t tl, pl;
	char why[300] = "";
	__u32 i;

	for (i = 0; i < LG_PICK; i++)
		pick[i] = i % NRAW;
	for (i = 0; i < sizeof(p1); i++)
		p1[i] = (unsigned char)(i * 7);
	memcpy(a.src_mac, addrs.src_mac, 6);
	memcpy(a.dst_mac, addrs.dst_mac, 6);
	a.src_ip = addrs.src_ip;
	a.dst_ip = addrs.dst_ip;
	a.src_port = addrs.src_port;
	a.dst_port = addrs.dst_port;
	tab = lgx_map_mmap(skel->maps.lgx_raw, &tl);
	pk = lgx_map_mmap(skel->maps.lgx_pick, &pl);
	assert_non_null(tab);
	assert_non_null(pk);
	assert_int_equal(lgx_raw_fill(tab, pk, &frame, &a, &raw, classed, "", why, sizeof(why)), 0);
	assert_int_equal(frame.len, 42 + sizeof(p1));
	assert_int_equal(frame.in_len, frame.len + 1);
	munmap(tab, tl);
	munmap(pk, pl);
	for (i = 0; i < LGX_IDS; i++)
		bpf_map_update_elem(bpf_map__fd(skel->maps.lgx_slots), &i, &zero, BPF_ANY);
	zero_percpu(skel->maps.lgx_cnt);
	zero_percpu(skel->maps.lgx_hsum);
	zero_percpu(skel->maps.lgx_hist);
	memset(&skel->bss->st, 0, sizeof(skel->bss->st));
	memset(&skel->bss->cfg, 0, sizeof(skel->bss->cfg));
	skel->bss->cfg.kind = LGX_RAW;
	skel->bss->cfg.mode = mode;
	skel->bss->cfg.timeout_ns = 1000000000ULL;
	skel->bss->cfg.window = 1000;
	skel->bss->cfg.slot_mask = slot_mask;
	skel->bss->cfg.port_base = BASE;
	skel->bss->cfg.saddr = addrs.src_ip;
	skel->bss->cfg.dport = addrs.dst_port;
	skel->bss->cfg.armed = 1;
}

static void reset(__u32 mode, __u32 slot_mask)
{
	reset_classed(mode, slot_mask, false);
}

/* One run of the transmit program on a page of garbage as long as the run's frames' input. */
static __u32 tx(unsigned char *out, __u32 *out_len)
{
	unsigned char in[LGX_FRAME_CAP];
	__u32 ret;

	memset(in, 0xee, frame.in_len);
	assert_int_equal(bpft_run(skel->progs.olab_lgx_tx, in, frame.in_len, &ret, out,
				  LGX_FRAME_CAP, out_len),
			 0);
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

/* The frame request i is, sent from port: the payload as it is, no UDP checksum. */
static size_t want_frame(unsigned char *buf, unsigned int i, uint16_t port)
{
	struct pkt_addrs a = addrs;
	size_t len;

	a.src_port = htons(port);
	len = pkt_build_udp4(buf, LGX_FRAME_CAP, &a, reqs[i].p, reqs[i].len);
	buf[40] = buf[41] = 0;
	return len;
}

/* A reply with any payload from the server's port (or sport) to our port dport. */
static size_t reply(unsigned char *buf, uint16_t sport_be, uint16_t dport, const char *text)
{
	struct pkt_addrs r = addrs;

	memcpy(r.src_mac, addrs.dst_mac, 6);
	memcpy(r.dst_mac, addrs.src_mac, 6);
	r.src_ip = addrs.dst_ip;
	r.dst_ip = addrs.src_ip;
	r.src_port = sport_be;
	r.dst_port = htons(dport);
	return pkt_build_udp4(buf, LGX_FRAME_CAP, &r, text, strlen(text));
}

/* Replies timed in class cls (the histogram's buckets, and its count beside them). */
static uint64_t hist_n_cls(__u32 cls)
{
	struct lgx_hsum h[64];
	uint64_t n = 0, v;
	__u32 i;

	for (i = 0; i < STATS_HIST_BUCKETS; i++) {
		__u32 key = cls * STATS_HIST_BUCKETS + i;

		assert_int_equal(bpfu_percpu_sum(bpf_map__fd(skel->maps.lgx_hist), key, &v), 0);
		n += v;
	}
	assert_true(libbpf_num_possible_cpus() <= 64);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.lgx_hsum), &cls, h), 0);
	for (i = 0, v = 0; i < (__u32)libbpf_num_possible_cpus(); i++)
		v += h[i].n;
	assert_int_equal(v, n);
	return n;
}

static uint64_t hist_n(void)
{
	return hist_n_cls(0);
}

static void test_tx_writes_the_drawn_payload_and_the_slots_port(void **state)
{
	unsigned char out[LGX_FRAME_CAP], want[LGX_FRAME_CAP];
	unsigned int seen[NRAW] = { 0 };
	__u32 out_len, seq;
	struct lgx_slot s;

	(void)state;
	reset(LGX_FLOOD, LGX_RAW_PORTS - 1);
	for (seq = 0; seq < 40; seq++) {
		unsigned int i = pick[draw(seq)];
		size_t wl = want_frame(want, i, (uint16_t)(BASE + seq));

		assert_int_equal(tx(out, &out_len), XDP_TX);
		assert_int_equal(out_len, wl);
		assert_memory_equal(out, want, wl);
		s = slot(seq);
		assert_int_equal(s.state, 1);
		assert_int_equal(s.seq, seq);
		assert_true(s.t0 > 0 && s.t0 <= bpfu_now_ns());
		seen[i]++;
	}
	/* the draw spreads: every payload went out */
	for (seq = 0; seq < NRAW; seq++)
		assert_true(seen[seq] > 0);
	assert_int_equal(counter(LGX_BUILT), 40);
	assert_int_equal(skel->bss->st.inflight, 40);
}

static void test_slot_taken_again_counts_the_old_request_lost(void **state)
{
	unsigned char out[LGX_FRAME_CAP];
	__u32 out_len, seq;

	(void)state;
	reset(LGX_FLOOD, 3); /* four ports */
	for (seq = 0; seq < 6; seq++) {
		assert_int_equal(tx(out, &out_len), XDP_TX);
		assert_int_equal(ntohs(*(uint16_t *)(out + 34)), BASE + (seq & 3));
	}
	/* seqs 4 and 5 took the slots of 0 and 1, which were still in flight */
	assert_int_equal(counter(LGX_EXPIRED), 2);
	assert_int_equal(skel->bss->st.inflight, 4);
	assert_int_equal(slot(0).seq, 4);
	assert_int_equal(slot(1).seq, 5);
}

static void test_rx_matches_by_port_and_counts_unknown(void **state)
{
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	__u32 out_len;
	size_t len;

	(void)state;
	reset(LGX_FLOOD, LGX_RAW_PORTS - 1);
	assert_int_equal(tx(out, &out_len), XDP_TX); /* seq 0: port BASE */
	assert_int_equal(tx(out, &out_len), XDP_TX); /* seq 1: port BASE + 1 */
	/* the reply's payload is the server's own: nothing in it is read */
	len = reply(rep, addrs.dst_port, BASE + 1, "anything at all");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 1);
	assert_int_equal(slot(1).state, 0);
	assert_int_equal(slot(0).state, 1);
	assert_int_equal(skel->bss->st.inflight, 1);
	assert_int_equal(hist_n(), 1);
	/* the same again: its slot is free, so it is no reply to anything in flight */
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_UNMATCHED), 1);
	/* a port of the block with nothing in flight */
	len = reply(rep, addrs.dst_port, BASE + 77, "x");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_UNMATCHED), 2);
	/* outside the block, or from another port of the server: not ours, passed */
	len = reply(rep, addrs.dst_port, BASE - 1, "x");
	assert_int_equal(rx(rep, len), XDP_PASS);
	len = reply(rep, addrs.dst_port, BASE + LGX_RAW_PORTS, "x");
	assert_int_equal(rx(rep, len), XDP_PASS);
	len = reply(rep, htons(53), BASE, "x");
	assert_int_equal(rx(rep, len), XDP_PASS);
	assert_int_equal(counter(LGX_UNMATCHED), 2);
	/* and the first request's reply, to its port */
	len = reply(rep, addrs.dst_port, BASE, "");
	assert_int_equal(rx(rep, len), XDP_DROP);
	assert_int_equal(counter(LGX_ANSWERED), 2);
	assert_int_equal(skel->bss->st.inflight, 0);
	assert_int_equal(hist_n(), 2);
}

/*
 * With classes: each request in flight holds its class (state 1 + class), and its reply is
 * timed in that class's histogram; class 0 counts as answered, the others apart.
 */
static void test_classes_timed_apart(void **state)
{
	unsigned char out[LGX_FRAME_CAP], rep[LGX_FRAME_CAP];
	uint64_t want[NRAW] = { 0 };
	__u32 out_len, seq;
	size_t len;

	(void)state;
	reset_classed(LGX_FLOOD, LGX_RAW_PORTS - 1, true);
	for (seq = 0; seq < 30; seq++) {
		unsigned int i = pick[draw(seq)];

		assert_int_equal(tx(out, &out_len), XDP_TX);
		assert_int_equal(slot(seq).state, 1 + reqs[i].cls);
		want[reqs[i].cls]++;
	}
	for (seq = 0; seq < 30; seq++) {
		len = reply(rep, addrs.dst_port, (uint16_t)(BASE + seq), "r");
		assert_int_equal(rx(rep, len), XDP_DROP);
	}
	assert_true(want[0] && want[1] && want[2]);
	assert_int_equal(hist_n_cls(0), want[0]);
	assert_int_equal(hist_n_cls(1), want[1]);
	assert_int_equal(hist_n_cls(2), want[2]);
	assert_int_equal(counter(LGX_ANSWERED), want[0]);
	assert_int_equal(counter(LGX_ANSWERED_ALT), want[1] + want[2]);
	/* without classes, the same table's requests are all timed in class 0 */
	reset(LGX_FLOOD, LGX_RAW_PORTS - 1);
	for (seq = 0; seq < 30; seq++)
		assert_int_equal(tx(out, &out_len), XDP_TX);
	for (seq = 0; seq < 30; seq++) {
		len = reply(rep, addrs.dst_port, (uint16_t)(BASE + seq), "r");
		assert_int_equal(rx(rep, len), XDP_DROP);
	}
	assert_int_equal(hist_n_cls(0), 30);
	assert_int_equal(hist_n_cls(1) + hist_n_cls(2), 0);
}

static void test_fill_refuses_what_it_cannot_send(void **state)
{
	static unsigned char big[LGX_RAW_MAX];
	struct lg_raw_req r[NRAW];
	struct lg_raw raw = { r, NRAW, pick };
	char why[300] = "";
	__u32 i;

	(void)state;
	memcpy(r, reqs, sizeof(r));
	for (i = 0; i < LG_PICK; i++)
		pick[i] = i % NRAW;
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), 0);
	/* a payload whose frame is over a page less its headroom */
	r[1].p = big;
	r[1].len = sizeof(big);
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), -EMSGSIZE);
	assert_non_null(strstr(why, "socket engine"));
	/* ... unless the draw never names it */
	for (i = 0; i < LG_PICK; i++)
		pick[i] = (i % 2) * 2;
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), 0);
	/* an empty payload is refused */
	r[2].len = 0;
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), -EMSGSIZE);
	r[2].len = 1;
	/* a draw naming a request the table does not have */
	pick[5] = NRAW;
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), -EINVAL);
	pick[5] = 0;
	/* more distinct requests than the table holds */
	raw.n = LGX_RAW_ENTRIES + 1;
	assert_int_equal(lg_xdp_raw_fits(&raw, "", why, sizeof(why)), -E2BIG);
	assert_non_null(strstr(why, "distinct requests"));
}

/* A class the engine has no histogram for is refused where requests are classed. */
static void test_fill_refuses_a_class_past_the_last(void **state)
{
	struct lg_raw_req r[NRAW];
	struct lg_raw raw = { r, NRAW, pick };
	struct lgx_addrs a = { 0 };
	struct lgx_raw *tab = calloc(NRAW, sizeof(*tab));
	uint64_t *pk = calloc(LG_PICK, sizeof(*pk));
	char why[300] = "";
	__u32 i;

	(void)state;
	assert_non_null(tab);
	assert_non_null(pk);
	memcpy(r, reqs, sizeof(r));
	for (i = 0; i < LG_PICK; i++)
		pick[i] = i % NRAW;
	r[2].cls = LGX_CLASSES;
	assert_int_equal(lgx_raw_fill(tab, pk, &frame, &a, &raw, true, "", why, sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "class"));
	/* unclassed, the class is not looked at */
	assert_int_equal(lgx_raw_fill(tab, pk, &frame, &a, &raw, false, "", why, sizeof(why)), 0);
	assert_int_equal(tab[2].cls, 0);
	free(tab);
	free(pk);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_writes_the_drawn_payload_and_the_slots_port),
		cmocka_unit_test(test_slot_taken_again_counts_the_old_request_lost),
		cmocka_unit_test(test_rx_matches_by_port_and_counts_unknown),
		cmocka_unit_test(test_classes_timed_apart),
		cmocka_unit_test(test_fill_refuses_what_it_cannot_send),
		cmocka_unit_test(test_fill_refuses_a_class_past_the_last),
	};

	return cmocka_run_group_tests(tests, bpft_setup, bpft_teardown);
}
