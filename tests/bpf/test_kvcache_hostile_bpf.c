// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache against input meant to fool it (test-run): writes hidden where the parser does
 * not look must not leave a stale value behind, and the hit path must not answer anyone
 * memcached would not (other hosts' frames, broadcast, spoofed-looking sources, frames the
 * kernel drops), nor beyond the allow-list and the per-source rate.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include "kvc_util.h"

BPFT_SKELETON_FROM(kvcache, s, kv_open())

static uint32_t run(void)
{
	return kv_run(bpf_program__fd(s->progs.olab_kvc_xdp));
}

static void put(const char *key, const char *val)
{
	assert_int_equal(kv_put(s, key, val), 0);
}

static void get_k2(void)
{
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
}

/* After D has gone to memcached, a GET for k2 must no longer be answered with "old". */
static void hidden_write(uint16_t seq, uint16_t total, const void *d, size_t n, bool writes)
{
	put("k2", "old");
	get_k2();
	assert_int_equal(run(), XDP_TX); /* cached */
	kv_udp(1, 0x2222, seq, total, d, n);
	assert_int_equal(run(), XDP_PASS); /* D itself goes to memcached, untouched */
	get_k2();
	assert_int_equal(run(), writes ? XDP_PASS : XDP_TX);
}

static void test_hidden_writes(void **state)
{
	char longline[700];
	int n;
	uint64_t unread = kv_counter(s, KVC_UNREAD_DGRAM);

	(void)state;
	/* a write after another command in the same datagram (memcached runs both) */
	hidden_write(0, 1, TXT("get zz\r\nset k2 0 0 3\r\nnew\r\n"), true);
	hidden_write(0, 1, TXT("get zz\r\ndelete k2\r\n"), true);
	hidden_write(0, 1, TXT("set k9 0 0 1\r\nx\r\ndelete k2\r\n"), true);
	/* after a first line longer than the parser's window */
	n = snprintf(longline, sizeof(longline), "get ");
	while (n < 600)
		n += snprintf(longline + n, sizeof(longline) - (size_t)n, "key%03d ", n);
	n += snprintf(longline + n, sizeof(longline) - (size_t)n, "\r\ndelete k2\r\n");
	hidden_write(0, 1, longline, (size_t)n, true);
	/* a frame header memcached accepts: it reads the sequence number as nothing at all */
	hidden_write(7, 1, TXT("delete k2\r\n"), true);
	/* the binary protocol over UDP (0x80: a set) */
	hidden_write(0, 1, TXT("\x80\x01\x00\x02\x08\x00\x00\x00\x00\x00\x00\x0d"), true);
	/* a zero byte ends memcached's line: it deletes k2, not "k2\0zz" */
	hidden_write(0, 1, TXT("delete k2\0zz\r\n"), true);
	/* a request that says it spans two datagrams: memcached refuses it and runs nothing */
	hidden_write(0, 2, TXT("delete k2\r\n"), false);
	hidden_write(1, 2, TXT("delete k2\r\n"), false);
	assert_true(kv_counter(s, KVC_UNREAD_DGRAM) >= unread + 4);
}

/* The reply's frame header is memcached's: the request id, sequence 0 of 1, reserved 0. */
static void test_reply_frame_header(void **state)
{
	static const uint8_t want[8] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0 };

	(void)state;
	put("k2", "old");
	get_k2();
	kv_pkt[42 + 2] = 0;
	kv_pkt[42 + 3] = 5; /* sequence 5 */
	kv_pkt[42 + 6] = 0xab;
	kv_pkt[42 + 7] = 0xcd; /* reserved bytes set */
	{
		static uint8_t out[4096];
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = kv_pkt,
			    .data_size_in = (uint32_t)kv_len, .data_out = out,
			    .data_size_out = sizeof(out), .repeat = 1);

		assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(s->progs.olab_kvc_xdp), &o),
				 0);
		assert_int_equal(o.retval, XDP_TX);
		assert_memory_equal(out + 42, want, sizeof(want));
	}
}

static void set_ip(int offset, uint32_t addr)
{
	struct iphdr *ip = (void *)(kv_pkt + 14);

	memcpy(kv_pkt + 14 + offset, &addr, 4);
	ip->check = 0;
	ip->check = (uint16_t)~pkt_csum(ip, 20, 0);
}

/* GET k2 (cached) altered by fix, must pass to memcached counted as why. */
static void not_answered(void (*fix)(void), enum kvc_counter why)
{
	uint64_t before = kv_counter(s, why);

	put("k2", "old");
	get_k2();
	fix();
	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(kv_counter(s, why), before + 1);
}

static void dst_other_host(void)
{
	set_ip(16, htonl(0xc6120063)); /* 198.18.0.99: not an address of this host */
}

static void dst_broadcast(void)
{
	set_ip(16, htonl(0xffffffff));
}

static void mac_broadcast(void)
{
	memset(kv_pkt, 0xff, 6);
}

static void mac_other_host(void)
{
	kv_pkt[5] = 9;
}

static void src_multicast(void)
{
	set_ip(12, htonl(0xe0000001));
}

static void src_loopback(void)
{
	set_ip(12, htonl(0x7f000001));
}

static void bad_ip_checksum(void)
{
	kv_pkt[14 + 10] ^= 0x55;
}

/* UDP says 4 bytes fewer than the IP payload carries: the stack trims, memcached reads less */
static void udp_shorter_than_ip(void)
{
	struct iphdr *ip = (void *)(kv_pkt + 14);

	memcpy(kv_pkt + kv_len, "junk", 4);
	kv_len += 4;
	ip->tot_len = htons((uint16_t)(ntohs(ip->tot_len) + 4));
	ip->check = 0;
	ip->check = (uint16_t)~pkt_csum(ip, 20, 0);
}

static void test_not_for_this_host(void **state)
{
	(void)state;
	not_answered(dst_other_host, KVC_NOT_LOCAL);
	not_answered(dst_broadcast, KVC_NOT_LOCAL);
	not_answered(mac_broadcast, KVC_NOT_LOCAL);
	not_answered(mac_other_host, KVC_NOT_LOCAL);
	not_answered(src_multicast, KVC_NOT_LOCAL);
	not_answered(src_loopback, KVC_NOT_LOCAL);
	not_answered(bad_ip_checksum, KVC_BAD_FRAME);
	not_answered(udp_shorter_than_ip, KVC_BAD_FRAME);
	/* and the plain request still is answered */
	put("k2", "old");
	get_k2();
	assert_int_equal(run(), XDP_TX);
}

/* A cache nobody configured answers nobody. */
static void test_unconfigured_answers_nobody(void **state)
{
	struct kvcache_bpf *raw = kvcache_bpf__open_and_load();
	struct kvcache_bpf *keep = s;

	(void)state;
	assert_non_null(raw);
	s = raw;
	put("k2", "old");
	get_k2();
	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_NOT_LOCAL), 1);
	s = keep;
	kvcache_bpf__destroy(raw);
}

static void set_cfg(uint8_t allow_only, uint32_t rate, uint32_t burst)
{
	struct kvc_cfg c = { .allow_only = allow_only, .rate = rate, .burst = burst };
	uint32_t zero = 0;

	memcpy(c.mac, kv_server_mac, 6);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.kvc_config), &zero, &c, BPF_ANY),
			 0);
}

static void allow(const char *cidr)
{
	struct kvc_lpm4 k;
	uint8_t a[16], one = 1;
	int v6, prefix;

	assert_int_equal(kvc_parse_cidr(cidr, &v6, a, &prefix), 0);
	assert_int_equal(v6, 0);
	k.prefixlen = (uint32_t)prefix;
	memcpy(k.addr, a, 4);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.allow4), &k, &one, BPF_ANY), 0);
}

static void test_allow_list_and_rate(void **state)
{
	uint8_t a[16];
	int v6, p;

	(void)state;
	assert_int_equal(kvc_parse_cidr("2001:db8::/32", &v6, a, &p), 0);
	assert_true(v6 && p == 32 && a[1] == 0x01);
	assert_int_equal(kvc_parse_cidr("198.18.0.0/33", &v6, a, &p), -EINVAL);
	assert_int_equal(kvc_parse_cidr("not-an-address", &v6, a, &p), -EINVAL);

	set_cfg(1, 0, 0);
	allow("10.0.0.0/8");
	put("k2", "old");
	get_k2();
	assert_int_equal(run(), XDP_PASS); /* 198.18.0.1 is not allowed */
	assert_int_equal(kv_counter(s, KVC_SRC_REFUSED), 1);
	allow("198.18.0.0/15");
	assert_int_equal(run(), XDP_TX);

	/* one answer a second, one at once: the second is memcached's to give */
	set_cfg(0, 1, 1);
	put("k2", "old");
	get_k2();
	assert_int_equal(run(), XDP_TX);
	get_k2();
	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_RATE_LIMITED), 1);
	set_cfg(0, 0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidden_writes),
		cmocka_unit_test(test_reply_frame_header),
		cmocka_unit_test(test_not_for_this_host),
		cmocka_unit_test(test_unconfigured_answers_nobody),
		cmocka_unit_test(test_allow_list_and_rate),
	};

	return cmocka_run_group_tests_name("kvcache_hostile", tests, bpft_setup, bpft_teardown);
}
