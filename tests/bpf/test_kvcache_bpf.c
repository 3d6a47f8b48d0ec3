// SPDX-License-Identifier: GPL-2.0
/*
 * kvcache hit path by BPF_PROG_TEST_RUN: hits get memcached's exact reply (single and multi
 * get, gets with cas, binary values, the longest key), and everything it must not answer
 * (miss, partial hit, expired, flushed epoch, too big, malformed, split, other ports, writes)
 * passes untouched and is counted.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "lib/bpfutil.h"
#include "bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kvcache/kvcache.h"
#include "lib/pkt.h"
#include "kvcache.skel.h"
#include "kvc_open.h"

BPFT_SKELETON_FROM(kvcache, s, kv_open())
static uint8_t in[2048], out[4096];
static size_t in_len;
static uint32_t out_len;

/* A datagram to port with memcached's frame header (id 0x1234, seq, total) and text. */
static void build(uint16_t port, uint16_t seq, uint16_t total, const void *text, size_t n)
{
	uint8_t payload[1600];
	struct pkt_addrs a = { .src_mac = { 2, 0, 0, 0, 0, 1 },
			       .dst_mac = { 2, 0, 0, 0, 0, 2 },
			       .src_ip = htonl(0xc6120001),
			       .dst_ip = htonl(0xc6120002),
			       .src_port = htons(40000),
			       .dst_port = htons(port) };

	kv_frame_hdr(payload, 0x1234, seq, total);
	memcpy(payload + 8, text, n);
	in_len = pkt_build_udp4(in, sizeof(in), &a, payload, 8 + n);
	assert_true(in_len > 0);
}

static uint32_t run(void)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (uint32_t)in_len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 1);

	memset(out, 0, sizeof(out));
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(s->progs.olab_kvc_xdp), &o), 0);
	out_len = o.data_size_out;
	return o.retval;
}

static uint64_t counter(enum kvc_counter c)
{
	uint64_t sum;

	assert_int_equal(bpfu_percpu_sum(bpf_map__fd(s->maps.counters), c, &sum), 0);
	return sum;
}

static void put(const char *key, const void *val, uint32_t len, uint32_t flags, uint64_t cas,
		uint64_t deadline, uint64_t epoch)
{
	static struct kvc_val v;
	struct kvc_key k;

	memset(&k, 0, sizeof(k));
	k.len = (uint8_t)strlen(key);
	memcpy(k.b, key, k.len);
	memset(&v, 0, sizeof(v));
	v.flags = flags;
	v.len = len;
	v.cas = cas;
	v.has_cas = 1;
	v.deadline_ns = deadline;
	/* epoch 1: the cache's current one; 0: an earlier one (flushed) */
	v.epoch = epoch ? s->data->epoch : s->data->epoch - 1;
	memcpy(v.data, val, len);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.cache), &k, &v, BPF_ANY), 0);
}

static void drop(const char *key)
{
	struct kvc_key k;

	memset(&k, 0, sizeof(k));
	k.len = (uint8_t)strlen(key);
	memcpy(k.b, key, k.len);
	bpf_map_delete_elem(bpf_map__fd(s->maps.cache), &k);
}

static uint16_t csum(const void *p, size_t n)
{
	return pkt_csum(p, n, 0);
}

/* The reply: addresses swapped, lengths and checksum right, payload = header + text. */
static void expect_reply(const char *text, size_t n)
{
	const struct ethhdr *eth = (const void *)out, *ieth = (const void *)in;
	const struct iphdr *ip = (const void *)(out + 14), *iip = (const void *)(in + 14);
	const struct udphdr *udp = (const void *)(out + 34), *iudp = (const void *)(in + 34);

	assert_memory_equal(eth->h_dest, ieth->h_source, 6);
	assert_memory_equal(eth->h_source, ieth->h_dest, 6);
	assert_int_equal(ip->saddr, iip->daddr);
	assert_int_equal(ip->daddr, iip->saddr);
	assert_int_equal(udp->source, iudp->dest);
	assert_int_equal(udp->dest, iudp->source);
	assert_int_equal(ntohs(ip->tot_len), 20 + 8 + 8 + n);
	assert_int_equal(ntohs(udp->len), 8 + 8 + n);
	assert_int_equal(out_len, 14 + 20 + 8 + 8 + n);
	assert_int_equal(csum(ip, 20), 0);	   /* a valid header sums to 0 */
	assert_memory_equal(out + 42, in + 42, 8); /* the request's frame header */
	assert_memory_equal(out + 50, text, n);
}

#define TEXT(s) s, sizeof(s) - 1

static void test_hits(void **state)
{
	static const char bin[] = "a\r\nb\0c\r\nEND\r\n";
	char key[251];
	uint64_t hits = counter(KVC_HIT);

	(void)state;
	put("foo", "hello", 5, 7, 42, 0, 1);
	build(11211, 0, 1, TEXT("get foo\r\n"));
	assert_int_equal(run(), XDP_TX);
	expect_reply(TEXT("VALUE foo 7 5\r\nhello\r\nEND\r\n"));

	build(11211, 0, 1, TEXT("gets foo\r\n"));
	assert_int_equal(run(), XDP_TX);
	expect_reply(TEXT("VALUE foo 7 5 42\r\nhello\r\nEND\r\n"));

	put("bar", "", 0, 0, 1, 0, 1);
	build(11211, 0, 1, TEXT("get bar foo\r\n"));
	assert_int_equal(run(), XDP_TX);
	expect_reply(TEXT("VALUE bar 0 0\r\n\r\nVALUE foo 7 5\r\nhello\r\nEND\r\n"));

	/* binary-safe: the value holds \r\n, a zero byte and "END" */
	put("bin", bin, sizeof(bin) - 1, 4294967295u, 3, 0, 1);
	build(11211, 0, 1, TEXT("get bin\r\n"));
	assert_int_equal(run(), XDP_TX);
	expect_reply(TEXT("VALUE bin 4294967295 13\r\na\r\nb\0c\r\nEND\r\n\r\nEND\r\n"));

	/* the longest key memcached takes, and a not-yet-expired deadline */
	memset(key, 'k', 250);
	key[250] = '\0';
	put(key, "v", 1, 0, 9, ~0ULL >> 1, 1);
	{
		char req[300], want[400];
		int n = snprintf(req, sizeof(req), "get %s\r\n", key);
		int m = snprintf(want, sizeof(want), "VALUE %s 0 1\r\nv\r\nEND\r\n", key);

		build(11211, 0, 1, req, (size_t)n);
		assert_int_equal(run(), XDP_TX);
		expect_reply(want, (size_t)m);
	}
	assert_int_equal(counter(KVC_HIT), hits + 5);
}

/* The same GET over IPv6: the reply carries a valid UDP checksum (mandatory there). */
static void test_hit_ipv6(void **state)
{
	static const char want[] = "VALUE foo 7 5 42\r\nhello\r\nEND\r\n";
	static const uint8_t src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
			     dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	uint8_t *p = in;
	const char *req = "gets foo\r\n";
	size_t rl = strlen(req), ulen = 8 + 8 + rl, i;
	uint32_t sum = 0;

	(void)state;
	put("foo", "hello", 5, 7, 42, 0, 1);
	memset(in, 0, sizeof(in));
	memcpy(p, (uint8_t[]){ 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x86, 0xdd }, 14);
	p[14] = 0x60;
	p[18] = (uint8_t)(ulen >> 8);
	p[19] = (uint8_t)ulen;
	p[20] = 17;
	p[21] = 64;
	memcpy(p + 22, src, 16);
	memcpy(p + 38, dst, 16);
	p[54] = 40000 >> 8;
	p[55] = 40000 & 0xff;
	p[56] = 11211 >> 8;
	p[57] = 11211 & 0xff;
	p[58] = (uint8_t)(ulen >> 8);
	p[59] = (uint8_t)ulen;
	memcpy(p + 62, (uint8_t[]){ 0x12, 0x34, 0, 0, 0, 1, 0, 0 }, 8);
	memcpy(p + 70, req, rl);
	in_len = 70 + rl;
	/* the request's checksum: mandatory over IPv6 (the kernel drops a datagram without) */
	for (i = 22; i < 54; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += (uint32_t)ulen + 17;
	{
		uint16_t c = pkt_csum(p + 54, ulen, sum);

		memcpy(p + 60, &c, 2);
	}
	sum = 0;
	assert_int_equal(run(), XDP_TX);
	assert_int_equal(out_len, 70 + sizeof(want) - 1);
	assert_memory_equal(out + 22, dst, 16); /* swapped */
	assert_memory_equal(out + 38, src, 16);
	assert_int_equal(out[54] << 8 | out[55], 11211);
	assert_int_equal(out[56] << 8 | out[57], 40000);
	assert_int_equal(out[58] << 8 | out[59], 16 + sizeof(want) - 1);
	assert_int_equal(out[18] << 8 | out[19], 16 + sizeof(want) - 1);
	assert_memory_equal(out + 62, in + 62, 8);
	assert_memory_equal(out + 70, want, sizeof(want) - 1);
	/* pseudo-header + UDP, checksum included, folds to zero */
	for (i = 22; i < 54; i += 2)
		sum += (uint32_t)(out[i] << 8 | out[i + 1]);
	sum += 16 + sizeof(want) - 1 + 17;
	for (i = 54; i < out_len; i += 2)
		sum += (uint32_t)(out[i] << 8 | (i + 1 < out_len ? out[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(sum, 0xffff);
	assert_true(out[60] || out[61]); /* never 0 over IPv6 */
}

static void expect_pass(enum kvc_counter why)
{
	uint64_t before = counter(why);

	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(out_len, in_len);
	assert_memory_equal(out, in, in_len); /* untouched */
	assert_int_equal(counter(why), before + 1);
}

static void test_passes(void **state)
{
	static char big[KVC_VAL_MAX];
	struct timespec now;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &now);
	put("foo", "hello", 5, 7, 42, 0, 1);
	drop("nope");
	build(11211, 0, 1, TEXT("get nope\r\n"));
	expect_pass(KVC_MISS);
	build(11211, 0, 1, TEXT("get foo nope\r\n")); /* a partial hit goes to memcached */
	expect_pass(KVC_MISS);
	put("old", "x", 1, 0, 1, (uint64_t)now.tv_sec * 1000000000ULL - 1, 1); /* expired */
	build(11211, 0, 1, TEXT("get old\r\n"));
	expect_pass(KVC_MISS);
	put("flushed", "x", 1, 0, 1, 0, 0); /* from an earlier epoch */
	build(11211, 0, 1, TEXT("get flushed\r\n"));
	expect_pass(KVC_MISS);

	memset(big, 'b', sizeof(big));
	put("big1", big, sizeof(big), 0, 1, 0, 1);
	put("big2", big, sizeof(big), 0, 1, 0, 1);
	build(11211, 0, 1, TEXT("get big1 big2\r\n"));
	expect_pass(KVC_TOO_BIG);

	build(11211, 0, 1, TEXT("get\r\n"));
	expect_pass(KVC_PARSE_PASS);
	/* no end of line at all: memcached waits for the rest and runs nothing (issue 22.6) */
	build(11211, 0, 1, TEXT("get foo"));
	expect_pass(KVC_IGNORED);
	/* not read whole: memcached may find more in it than the parser did, so it flushes */
	build(11211, 0, 1, TEXT("get foo\r\nget foo\r\n")); /* two requests */
	expect_pass(KVC_UNREAD_DGRAM);
	build(11211, 1, 2, TEXT("get foo\r\n")); /* part of a multi-datagram request */
	expect_pass(KVC_PARSE_PASS);
	build(11211, 0, 2, TEXT("get foo\r\n"));
	expect_pass(KVC_PARSE_PASS);
	build(11211, 0, 1, TEXT("get k k k k k k k k k\r\n")); /* more keys than answered */
	expect_pass(KVC_NOT_CACHEABLE);

	/* not for the cache at all: other ports and write commands pass without a count */
	build(11212, 0, 1, TEXT("get foo\r\n"));
	assert_int_equal(run(), XDP_PASS);
	assert_memory_equal(out, in, in_len);
	build(11211, 0, 1, TEXT("set foo 0 0 1\r\nx\r\n"));
	assert_int_equal(run(), XDP_PASS);
	assert_memory_equal(out, in, in_len);
	/* a truncated frame */
	build(11211, 0, 1, TEXT("get foo\r\n"));
	in_len = 14 + 20 + 8 + 4;
	assert_int_equal(run(), XDP_PASS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hits),
		cmocka_unit_test(test_passes),
		cmocka_unit_test(test_hit_ipv6),
	};

	return cmocka_run_group_tests(tests, bpft_setup, bpft_teardown);
}
