// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache against input meant to fool it (test-run): writes hidden where the parser does
 * not look must not leave a stale value behind. (Who the hit path answers:
 * test_kvcache_admit_bpf.c.)
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
	kv_pkt[42 + 7] = 0xcd;		     /* reserved bytes set */
	kv_pkt[34 + 6] = kv_pkt[34 + 7] = 0; /* no UDP checksum (the one built no longer holds) */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hidden_writes),
		cmocka_unit_test(test_reply_frame_header),
	};

	return cmocka_run_group_tests_name("kvcache_hostile", tests, bpft_setup, bpft_teardown);
}
