// SPDX-License-Identifier: GPL-2.0
/*
 * The kv experiment's XDP_TX responder (the generator's ceiling) on prepared packets: a UDP
 * "get KEY" for its port gets the hit the kvcache would send, of the same size (headers
 * swapped, the request id kept, valid IP checksum, the load generator's parser accepts it);
 * anything else (another port, another command, no line end, a key too long, truncated,
 * not IPv4) passes on unchanged.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>
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

#include "exp/kv/kv_exp.h"
#include "lib/pkt.h"
#include "kv_ceiling.skel.h"
#include "lib/util.h"

#define PORT 11211
#define VSIZE 32

static struct kv_ceiling_bpf *skel;

static int setup(void **state)
{
	(void)state;
	skel = kv_ceiling_load(VSIZE, PORT);
	return skel ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	kv_ceiling_bpf__destroy(skel);
	return 0;
}

static const struct pkt_addrs addrs = BPFT_ADDRS(0xcb2b); /* htons(PORT) */

static __u32 run(const void *pkt, size_t len, unsigned char *out, __u32 *out_len)
{
	unsigned char in[512];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = (__u32)len,
		    .data_out = out, .data_size_out = 2048, .repeat = 1);

	memcpy(in, pkt, len);
	assert_int_equal(bpf_prog_test_run_opts(bpf_program__fd(skel->progs.olab_kv_ceiling), &o),
			 0);
	*out_len = o.data_size_out;
	return o.retval;
}

/* A memcached UDP request: frame header (request id 0x1234, 1 datagram), then the text. */
static size_t request(unsigned char *buf, size_t cap, const char *text, const struct pkt_addrs *a)
{
	unsigned char p[300] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0 };
	size_t n = strlen(text);

	memcpy(p + 8, text, n);
	return pkt_build_udp4(buf, cap, a, p, 8 + n);
}

static void test_get_answered_like_a_hit(void **state)
{
	static const char *const keys[] = { "kvA0", "k", "kvA999",
					    "a-31-byte-key-xxxxxxxxxxxxxxxxx" };
	unsigned char req[512], out[2048], want[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		char text[64];
		size_t len, wl;
		__u32 out_len;
		const struct iphdr *ip = (const void *)(out + ETH_HLEN);
		const struct udphdr *udp = (const void *)(ip + 1);
		const unsigned char *pl = (const void *)(udp + 1);

		snprintf(text, sizeof(text), "get %s\r\n", keys[i]);
		len = request(req, sizeof(req), text, &addrs);
		assert_int_equal(run(req, len, out, &out_len), XDP_TX);
		/* what the kvcache sends for a hit of VSIZE bytes */
		wl = (size_t)snprintf((char *)want, sizeof(want), "VALUE %s 0 %d\r\n", keys[i],
				      VSIZE);
		memset(want + wl, 'v', VSIZE);
		memcpy(want + wl + VSIZE, "\r\nEND\r\n", 7);
		wl += VSIZE + 7;
		assert_int_equal(out_len, ETH_HLEN + sizeof(*ip) + sizeof(*udp) + 8 + wl);
		assert_memory_equal(out, req + 6, 6); /* back to the sender */
		assert_memory_equal(out + 6, req, 6);
		assert_int_equal(ip->saddr, addrs.dst_ip);
		assert_int_equal(ip->daddr, addrs.src_ip);
		assert_int_equal(ntohs(ip->tot_len), out_len - ETH_HLEN);
		assert_int_equal(pkt_csum(ip, sizeof(*ip), 0), 0);
		assert_int_equal(udp->source, addrs.dst_port);
		assert_int_equal(udp->dest, addrs.src_port);
		assert_int_equal(ntohs(udp->len), out_len - ETH_HLEN - sizeof(*ip));
		/* request id kept, sequence 0 of 1 */
		assert_int_equal(pl[0], 0x12);
		assert_int_equal(pl[1], 0x34);
		assert_int_equal(pl[2] | pl[3] | pl[4] | pl[6] | pl[7], 0);
		assert_int_equal(pl[5], 1);
		assert_memory_equal(pl + 8, want, wl);
	}
}

static void test_anything_else_passes_unchanged(void **state)
{
	struct pkt_addrs other = addrs;
	unsigned char req[512], out[2048];
	const char *const texts[] = {
		"set k 0 0 1\r\nv\r\n",				/* not a get */
		"gets k\r\n",					/* another command */
		"get k",					/* no line end */
		"get \r\n",					/* no key */
		"get a-key-of-forty-bytes-xxxxxxxxxxxxxxx\r\n", /* longer than it takes */
	};
	size_t i, len;
	__u32 out_len;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(texts); i++) {
		len = request(req, sizeof(req), texts[i], &addrs);
		assert_int_equal(run(req, len, out, &out_len), XDP_PASS);
		assert_int_equal(out_len, len);
		assert_memory_equal(out, req, len);
	}
	/* another port */
	other.dst_port = htons(11212);
	len = request(req, sizeof(req), "get k\r\n", &other);
	assert_int_equal(run(req, len, out, &out_len), XDP_PASS);
	/* truncated before the command */
	len = request(req, sizeof(req), "get k\r\n", &addrs);
	assert_int_equal(run(req, ETH_HLEN + 20 + 8 + 6, out, &out_len), XDP_PASS);
	/* not IPv4 */
	req[12] = 0x86;
	req[13] = 0xdd;
	assert_int_equal(run(req, len, out, &out_len), XDP_PASS);
}

static void test_loader_refuses_a_reply_too_large(void **state)
{
	(void)state;
	errno = 0;
	assert_null(kv_ceiling_load(4000, PORT));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_answered_like_a_hit),
		cmocka_unit_test(test_anything_else_passes_unchanged),
		cmocka_unit_test(test_loader_refuses_a_reply_too_large),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
