// SPDX-License-Identifier: GPL-2.0
/*
 * Every state in which the kvcache holds fills ends (test-run; issue 22 item 6): one datagram
 * must not stop the cache for good. A datagram the kernel drops or memcached ignores changes
 * nothing; a write whose reply never comes holds its keys for the reply wait, a first
 * fragment for the reassembly timeout and the reply wait, then fills resume (the keys written
 * before it too: their expiries are forgotten only if memcached receives the datagram). Time
 * is not waited for: each test reads the bound the program set, checks it, then moves the
 * bound into the past as time would.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include "kvc_util.h"

KV_GROUP_SKELETON(s)
static uint16_t next_id = 100;

static uint32_t run_in(void)
{
	return kv_run(bpf_program__fd(s->progs.olab_kvc_xdp));
}

static uint32_t in_udp(uint16_t id, const char *text)
{
	kv_udp(1, id, 0, 1, text, strlen(text));
	return run_in();
}

static void out_udp(uint16_t id, const char *text)
{
	kv_udp(0, id, 0, 1, text, strlen(text));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)), (uint32_t)TC_ACT_UNSPEC);
}

static void udp_set(const char *key, const char *val)
{
	char line[256];
	uint16_t id = next_id++;

	snprintf(line, sizeof(line), "set %s 0 0 %zu\r\n%s\r\n", key, strlen(val), val);
	assert_int_equal(in_udp(id, line), XDP_PASS);
	out_udp(id, "STORED\r\n");
}

/* A GET that misses and memcached's answer val: did it fill the cache? */
static int get_fills(const char *key, const char *val)
{
	char line[256], reply[512];
	uint16_t id = next_id++;
	uint64_t fills = kv_counter(s, KVC_FILL);

	snprintf(line, sizeof(line), "get %s\r\n", key);
	assert_int_equal(in_udp(id, line), XDP_PASS);
	snprintf(reply, sizeof(reply), "VALUE %s 0 %zu\r\n%s\r\nEND\r\n", key, strlen(val), val);
	out_udp(id, reply);
	return kv_counter(s, KVC_FILL) == fills + 1;
}

static int hit(const char *key)
{
	char line[256];

	snprintf(line, sizeof(line), "get %s\r\n", key);
	return in_udp(next_id++, line) == XDP_TX;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* The fence bucket of key (kvc_bucket: FNV-1a). */
static uint32_t bucket(const char *key)
{
	uint32_t h = 2166136261u;

	for (; *key; key++) {
		h ^= (uint8_t)*key;
		h *= 16777619u;
	}
	return h & (KVC_BUCKETS - 1);
}

static struct kvc_win bucket_win(const char *key)
{
	struct kvc_fence f;
	uint32_t b = bucket(key);

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.fence), &b, &f), 0);
	return f.w;
}

static struct kvc_win global_win(void)
{
	struct kvc_win w;
	uint32_t zero = 0;

	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.gwin), &zero, &w), 0);
	return w;
}

/* The window held until between t0 + bound and t1 + bound (ms, as the program counts). */
static void bound_is(const struct kvc_win *w, uint64_t t0, uint64_t t1, uint64_t bound)
{
	assert_true(w->open > 0);
	assert_true((int32_t)(w->hold_ms - (uint32_t)((t0 + bound) / 1000000)) >= 0);
	assert_true((int32_t)(w->hold_ms - (uint32_t)((t1 + bound) / 1000000) - 1) <= 0);
}

/* Time passes beyond the bound of key's window (or the global one, key NULL). */
static void bound_passes(const char *key)
{
	uint32_t past = (uint32_t)(mono_ns() / 1000000) - 1, zero = 0, b;

	if (key) {
		struct kvc_fence f;

		b = bucket(key);
		assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.fence), &b, &f), 0);
		f.w.hold_ms = past;
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.fence), &b, &f, BPF_ANY),
				 0);
	} else {
		struct kvc_win w = global_win();

		w.hold_ms = past;
		assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.gwin), &zero, &w, BPF_ANY),
				 0);
	}
}

/* kv_pkt, made the first fragment of a datagram twice as long (MF set; the rest never comes). */
static void first_fragment_of(void)
{
	struct iphdr *ip = (void *)(kv_pkt + 14);
	uint8_t *u = kv_pkt + 34;
	uint16_t ulen = (uint16_t)(u[4] << 8 | u[5]);

	ulen = (uint16_t)(8 + 2 * (ulen - 8));
	u[4] = (uint8_t)(ulen >> 8);
	u[5] = (uint8_t)ulen;
	ip->frag_off = htons(0x2000);
	ip->check = 0;
	ip->check = pkt_csum(ip, 20, 0);
}

/*
 * A 58-byte datagram whose UDP length is 2 bytes short of the IP payload: the stack trims it,
 * memcached reads "get kk" with no end of line and waits for the rest (the next datagram
 * replaces it): nothing runs. It used to flush the cache and hold every fill for good.
 */
static void test_two_bytes_short(void **state)
{
	uint8_t *u = kv_pkt + 34;
	uint32_t sum;
	uint16_t c;

	(void)state;
	udp_set("k", "v");
	assert_true(get_fills("k", "v"));
	assert_true(hit("k"));
	kv_udp(1, next_id++, 0, 1, TXT("get kk\r\n"));
	assert_int_equal(kv_len, 58);
	u[5] -= 2; /* UDP length 22 in a 24-byte IP payload, its checksum over the 22 */
	u[6] = u[7] = 0;
	sum = (CLIENT_IP >> 16) + (CLIENT_IP & 0xffff) + (SERVER_IP >> 16) + (SERVER_IP & 0xffff) +
	      IPPROTO_UDP + 22;
	c = pkt_csum(u, 22, sum);
	memcpy(u + 6, &c, 2);
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_IGNORED), 1);
	assert_int_equal(kv_counter(s, KVC_UNREAD_DGRAM), 0);
	assert_true(hit("k")); /* nothing flushed */
	udp_set("k2", "v");
	assert_true(get_fills("k2", "v")); /* nothing held */
	/* the same with the sum over the whole payload: the kernel drops it */
	kv_udp(1, next_id++, 0, 1, TXT("get kk\r\n"));
	u[5] -= 2;
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_IGNORED), 2);
	/* a write with a checksum the kernel refuses never reaches memcached either */
	kv_udp(1, next_id++, 0, 1, TXT("delete k\r\n"));
	u[6] ^= 0x5a;
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_IGNORED), 3);
	assert_true(hit("k"));
}

/*
 * A lone first fragment with MF set: everything cached goes and fills are held, since it may
 * be reassembled and run, but only for the reassembly timeout and the reply wait; the keys
 * written before it fill again after (it never reached memcached: nothing is forgotten).
 */
static void test_lone_first_fragment(void **state)
{
	struct kvc_suspect_key k = { .addr = { htonl(CLIENT_IP) }, .port = htons(CLIENT_PORT) };
	struct kvc_suspect v;
	struct kvc_win w;
	uint64_t t0, t1;

	(void)state;
	udp_set("k", "v");
	assert_true(get_fills("k", "v"));
	t0 = mono_ns();
	kv_udp(1, next_id++, 0, 1, TXT("set k 0 0 1\r\nx\r\n"));
	first_fragment_of();
	assert_int_equal(run_in(), XDP_PASS);
	t1 = mono_ns();
	assert_int_equal(kv_counter(s, KVC_OPAQUE), 1);
	assert_false(hit("k")); /* flushed: it may be a write */
	assert_false(get_fills("k", "v"));
	w = global_win();
	bound_is(&w, t0, t1, KVC_FRAG_HOLD_NS + KVC_REPLY_WAIT_NS);
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.suspects), &k, &v), 0);
	assert_true(v.until_ns >= t0 + KVC_FRAG_HOLD_NS + KVC_REPLY_WAIT_NS);
	bound_passes(NULL);
	assert_true(get_fills("k", "v"));
	assert_true(hit("k"));
	/* too short to name its request: the same, no reply to wait for */
	kv_udp(1, next_id++, 0, 1, "", 0);
	kv_len -= 8; /* the frame header goes too: 8 bytes of UDP header only */
	kv_pkt[34 + 5] = 8;
	kv_pkt[14 + 3] = 28;
	first_fragment_of();
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_OPAQUE), 2);
	assert_false(get_fills("k", "v"));
	bound_passes(NULL);
	assert_true(get_fills("k", "v"));
}

/* The reply wait of the UDP write with request id (its pending entry) is over, as time would. */
static void reply_wait_passes(uint16_t id)
{
	struct kvc_req_key rk = { .addr = { htonl(CLIENT_IP) },
				  .port = htons(CLIENT_PORT),
				  .reqid = htons(id) };
	struct kvc_pending p;
	int fd = bpf_map__fd(s->maps.udp_pending);

	assert_int_equal(bpf_map_lookup_elem(fd, &rk, &p), 0);
	p.until_ms = (uint32_t)(mono_ns() / 1000000) - 1;
	assert_int_equal(bpf_map_update_elem(fd, &rk, &p, BPF_ANY), 0);
}

/*
 * A UDP write whose reply never comes (the kernel dropped it, memcached stalled): its key is
 * held for the reply wait, no longer; the next write of the key is held by its own window
 * only; a reply coming later still (memcached ran it after all) flushes.
 */
static void test_write_without_reply(void **state)
{
	uint16_t lost = next_id++, id;
	struct kvc_win w;
	uint64_t t0, t1;

	(void)state;
	udp_set("k", "v");
	assert_true(get_fills("k", "v"));
	t0 = mono_ns();
	assert_int_equal(in_udp(lost, "set k 0 0 1\r\nw\r\n"), XDP_PASS);
	t1 = mono_ns();
	assert_false(get_fills("k", "w"));
	w = bucket_win("k");
	bound_is(&w, t0, t1, KVC_REPLY_WAIT_NS);
	bound_passes("k");
	assert_true(get_fills("k", "w"));
	/* the next write's reply ends its window: the one never answered counts no more */
	id = next_id++;
	assert_int_equal(in_udp(id, "set k 0 0 1\r\nz\r\n"), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_EXPIRED), 1);
	assert_false(get_fills("k", "z"));
	out_udp(id, "STORED\r\n");
	assert_true(get_fills("k", "z"));
	assert_true(hit("k"));
	/* memcached ran the first one after all, late: fills made meanwhile may be older */
	reply_wait_passes(lost);
	out_udp(lost, "STORED\r\n");
	assert_int_equal(kv_counter(s, KVC_LATE_REPLY), 1);
	assert_false(hit("k"));
	assert_int_equal(s->bss->hold_why, KVC_HOLD_LATE);
}

/* Writes without replies by design: a noreply set, a noreply flush_all. */
static void test_noreply_writes(void **state)
{
	struct kvc_win w;
	uint64_t t0, t1;

	(void)state;
	udp_set("k", "v");
	t0 = mono_ns();
	assert_int_equal(in_udp(next_id++, "set k 0 0 1 noreply\r\nn\r\n"), XDP_PASS);
	t1 = mono_ns();
	assert_false(get_fills("k", "n"));
	w = bucket_win("k");
	bound_is(&w, t0, t1, KVC_REPLY_WAIT_NS);
	bound_passes("k");
	assert_true(get_fills("k", "n"));
	/* it used to stop every fill until detach and attach */
	t0 = mono_ns();
	assert_int_equal(in_udp(next_id++, "flush_all noreply\r\n"), XDP_PASS);
	t1 = mono_ns();
	udp_set("k", "f");
	assert_false(get_fills("k", "f"));
	w = global_win();
	bound_is(&w, t0, t1, KVC_REPLY_WAIT_NS);
	bound_passes(NULL);
	assert_true(get_fills("k", "f"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_two_bytes_short, kv_fresh),
		cmocka_unit_test_setup(test_lone_first_fragment, kv_fresh),
		cmocka_unit_test_setup(test_write_without_reply, kv_fresh),
		cmocka_unit_test_setup(test_noreply_writes, kv_fresh),
	};

	return cmocka_run_group_tests_name("kvcache_holds", tests, kv_group_load, kv_group_unload);
}
