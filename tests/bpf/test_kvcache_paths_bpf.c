// SPDX-License-Identifier: GPL-2.0
/*
 * Every path a write can take to memcached, by test-run (docs/kvcache.md, "The model"): IP
 * fragments, VLAN tags and IPv6 extension headers the stack still delivers, a TCP connection
 * table with no room left, and expiry the cache could not read. After each, the cache must
 * not answer with what it held before. Each test starts from the cache as freshly loaded (kv_fresh).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include "kvc_util.h"

KV_GROUP_SKELETON(group)
static struct kvcache_bpf *s; /* the group's, or a case's own */
static uint16_t next_id = 500;

static int fresh(void **state)
{
	s = group;
	return kv_fresh(state);
}

/* after a case that loaded a cache of its own: back to the group's */
static int own_done(void **state)
{
	(void)state;
	if (s != group)
		kvcache_bpf__destroy(s);
	s = group;
	return 0;
}

static uint32_t run_in(void)
{
	return kv_run(bpf_program__fd(s->progs.olab_kvc_xdp));
}

static void put(const char *key, const char *val)
{
	assert_int_equal(kv_put(s, key, val), 0);
}

/* k2 = old is cached and answered. */
static void cached_k2(void)
{
	put("k2", "old");
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	assert_int_equal(run_in(), XDP_TX);
}

static uint32_t get_k2(void)
{
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	return run_in();
}

static void fix_ip_csum(size_t l3)
{
	struct iphdr ip;

	memcpy(&ip, kv_pkt + l3, sizeof(ip));
	ip.check = 0;
	ip.check = (uint16_t)~pkt_csum(&ip, sizeof(ip), 0);
	memcpy(kv_pkt + l3, &ip, sizeof(ip));
}

static void set_frag(uint16_t frag_off)
{
	uint16_t v = htons(frag_off);

	memcpy(kv_pkt + 14 + 6, &v, 2);
	fix_ip_csum(14);
}

/* A large UDP set arrives as IP fragments: the first one carries the write's start. */
static void test_ip_fragments(void **state)
{
	(void)state;
	cached_k2();
	/* a later fragment (offset 8 bytes): no ports, judged at the first; nothing flushed */
	kv_udp(1, 0x2222, 0, 1, TXT("set k2 0 0 3\r\nnew\r\n"));
	set_frag(1);
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(get_k2(), XDP_TX);
	/* the first fragment (more fragments to come): the write is not readable here */
	kv_udp(1, 0x2222, 0, 1, TXT("set k2 0 0 3\r\nnew\r\n"));
	set_frag(0x2000);
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_OPAQUE), 1);
	assert_int_equal(get_k2(), XDP_PASS);
}

/* A first fragment too short to carry memcached's frame header still flushes. */
static void test_tiny_first_fragment(void **state)
{
	struct iphdr ip;

	(void)state;
	cached_k2();
	kv_udp(1, 0x2222, 0, 1, TXT("set k2 0 0 3\r\nnew\r\n"));
	kv_len = 14 + 20 + 8; /* the UDP header alone */
	memcpy(&ip, kv_pkt + 14, sizeof(ip));
	ip.tot_len = htons(28);
	memcpy(kv_pkt + 14, &ip, sizeof(ip));
	set_frag(0x2000);
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(get_k2(), XDP_PASS);
}

/* An 802.1Q-tagged write: the kernel hands it to a VLAN device memcached may listen on. */
static void test_vlan_tagged_write(void **state)
{
	static const uint8_t tag[4] = { 0x81, 0x00, 0x00, 0x64 };

	(void)state;
	cached_k2();
	kv_udp(1, 0x3333, 0, 1, TXT("delete k2\r\n"));
	memmove(kv_pkt + 16, kv_pkt + 12, kv_len - 12);
	memcpy(kv_pkt + 12, tag, 4);
	kv_len += 4;
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_INVALIDATION), 1);
	assert_int_equal(get_k2(), XDP_PASS);
}

/* IPv6 with a destination-options header before UDP: read through, never answered. */
static void test_ipv6_extension_header(void **state)
{
	static const char req[] = "\x12\x34\x00\x00\x00\x01\x00\x00"
				  "delete k2\r\n";
	uint8_t *p = kv_pkt;
	size_t rl = sizeof(req) - 1, ulen = 8 + rl;

	(void)state;
	cached_k2();
	memset(kv_pkt, 0, 200);
	memcpy(p, (uint8_t[]){ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd }, 14);
	p[14] = 0x60;
	p[18] = (uint8_t)((ulen + 8) >> 8);
	p[19] = (uint8_t)(ulen + 8);
	p[20] = 60; /* destination options */
	p[21] = 64;
	memcpy(p + 22, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, 16);
	memcpy(p + 38, (uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 }, 16);
	p[54] = 17; /* next: UDP; length 0 = 8 bytes; then PadN */
	p[56] = 1;
	p[57] = 4;
	p[62] = 40000 >> 8;
	p[63] = 40000 & 0xff;
	p[64] = 11211 >> 8;
	p[65] = 11211 & 0xff;
	p[66] = (uint8_t)(ulen >> 8);
	p[67] = (uint8_t)ulen;
	memcpy(p + 70, req, rl);
	kv_len = 70 + rl;
	assert_int_equal(run_in(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_INVALIDATION), 1);
	assert_int_equal(get_k2(), XDP_PASS);
}

/* A write from a connection the table had no room for: flushed, and fills held after it. */
static void test_tcp_table_full(void **state)
{
	uint16_t port;

	(void)state;
	s = kvcache_bpf__open(); /* its own (own_done destroys it) */
	assert_non_null(s);
	bpf_map__set_max_entries(s->maps.conns, 2);
	assert_int_equal(kvcache_bpf__load(s), 0);
	assert_int_equal(kv_routes(s), 0);
	for (port = 50000; port < 50002; port++) {
		kv_tcp(1, port, 100, 1, 0, "", 0);
		assert_int_equal(run_in(), XDP_PASS);
	}
	assert_int_equal(kv_counter(s, KVC_UNTRACKED), 0);
	cached_k2();
	kv_tcp(1, 50002, 100, 1, 0, "", 0); /* a third connection: no room */
	assert_int_equal(run_in(), XDP_PASS);
	kv_tcp(1, 50002, 101, 0, 0, TXT("delete k2\r\n"));
	assert_int_equal(run_in(), XDP_PASS);
	assert_true(kv_counter(s, KVC_UNTRACKED) >= 1);
	assert_int_equal(get_k2(), XDP_PASS);
	/* and nothing fills for a while: its later writes could not be seen (each holds again) */
	assert_true(s->bss->fill_block_until > 0);
	assert_int_equal(s->bss->hold_why, KVC_HOLD_TCP);
}

/* A UDP set answered STORED, then a GET and its reply: did the reply fill? */
static int set_then_get_fills(const char *key, const char *set_line)
{
	char line[128], reply[128];
	uint16_t id = next_id++;
	uint64_t fills;

	kv_udp(1, id, 0, 1, set_line, strlen(set_line));
	assert_int_equal(run_in(), XDP_PASS);
	kv_udp(0, id, 0, 1, TXT("STORED\r\n"));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)), (uint32_t)TC_ACT_UNSPEC);
	id = next_id++;
	snprintf(line, sizeof(line), "get %s\r\n", key);
	kv_udp(1, id, 0, 1, line, strlen(line));
	assert_int_equal(run_in(), XDP_PASS);
	snprintf(reply, sizeof(reply), "VALUE %s 0 1\r\nv\r\nEND\r\n", key);
	fills = kv_counter(s, KVC_FILL);
	kv_udp(0, id, 0, 1, reply, strlen(reply));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)), (uint32_t)TC_ACT_UNSPEC);
	return kv_counter(s, KVC_FILL) == fills + 1;
}

/*
 * An expiry the cache cannot read (a meta command's TTL) after one it could: what it learnt
 * before is not trusted, so it does not fill "never expires" for an item memcached expires.
 */
static void test_unreadable_expiry_forgets_what_was_learnt(void **state)
{
	uint16_t id = next_id++;

	(void)state;
	assert_true(set_then_get_fills("k", "set k 0 0 1\r\nv\r\n")); /* never expires: fills */
	kv_udp(1, id, 0, 1, TXT("ms k 1 T5\r\nv\r\n"));		      /* meta set, 5 s TTL */
	assert_int_equal(run_in(), XDP_PASS);
	kv_udp(0, id, 0, 1, TXT("HD\r\n"));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)), (uint32_t)TC_ACT_UNSPEC);
	/* seconds later (past the hold after an unread datagram), a GET: memcached answers,
	 * but the cache does not know the item's expiry any more */
	s->bss->fill_block_until = 0;
	{
		uint16_t g = next_id++;
		uint64_t fills = kv_counter(s, KVC_FILL);
		const struct kvc_val *v;

		kv_udp(1, g, 0, 1, TXT("get k\r\n"));
		assert_int_equal(run_in(), XDP_PASS);
		kv_udp(0, g, 0, 1, TXT("VALUE k 0 1\r\nv\r\nEND\r\n"));
		assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)),
				 (uint32_t)TC_ACT_UNSPEC);
		assert_int_equal(kv_counter(s, KVC_FILL), fills);
		v = kv_cached(s, "k");
		assert_true(!v || v->epoch != s->data->epoch); /* nothing current to serve */
		kv_udp(1, next_id++, 0, 1, TXT("get k\r\n"));
		assert_int_equal(run_in(), XDP_PASS);
	}
	/* a write it can read teaches it again (once the hold after the unread datagram ends) */
	s->bss->fill_block_until = 0;
	assert_true(set_then_get_fills("k", "set k 0 0 1\r\nv\r\n"));
}

/* --max-age: an item memcached may evict unseen is served for a bounded time after its fill. */
static void test_max_age_bounds_a_fill(void **state)
{
	struct kvc_cfg c = { 0 };
	struct timespec now;
	const struct kvc_val *v;
	uint32_t zero = 0;
	uint64_t t;

	(void)state;
	assert_true(set_then_get_fills("na", "set na 0 0 1\r\nv\r\n"));
	v = kv_cached(s, "na");
	assert_non_null(v);
	assert_int_equal(v->deadline_ns, 0); /* never expires, by default */
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.kvc_config), &zero, &c), 0);
	c.max_age_ns = 1000000000ULL;
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.kvc_config), &zero, &c, BPF_ANY),
			 0);
	assert_true(set_then_get_fills("ma", "set ma 0 0 1\r\nv\r\n"));
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
	v = kv_cached(s, "ma");
	assert_non_null(v);
	assert_true(v->deadline_ns > 0 && v->deadline_ns <= t + 1000000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ip_fragments, fresh),
		cmocka_unit_test_setup(test_tiny_first_fragment, fresh),
		cmocka_unit_test_setup(test_vlan_tagged_write, fresh),
		cmocka_unit_test_setup(test_ipv6_extension_header, fresh),
		cmocka_unit_test_setup_teardown(test_tcp_table_full, fresh, own_done),
		cmocka_unit_test_setup(test_unreadable_expiry_forgets_what_was_learnt, fresh),
		cmocka_unit_test_setup(test_max_age_bounds_a_fill, fresh),
	};

	return cmocka_run_group_tests_name("kvcache_paths", tests, kv_group_load, kv_group_unload);
}
