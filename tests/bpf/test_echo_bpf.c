// SPDX-License-Identifier: GPL-2.0
/*
 * The echo programs on prepared packets: a request for the port gets a byte-exact reply with
 * valid checksums (computed here independently); anything else, truncated or inconsistent
 * packets included, is passed on unchanged and never answered.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/echo/echo.h"
#include "lib/bpfutil.h"
#include "lib/pkt.h"
#include "echo.skel.h"
#include "lib/util.h"

#define PORT 7007

BPFT_SKELETON(echo, skel->rodata->cfg_port = PORT)

static const struct pkt_addrs addrs = BPFT_ADDRS(0x5f1b); /* htons(PORT) */

/* Sum of the UDP pseudo-header and datagram: 0xffff (folded) when the checksum is valid. */
static uint16_t udp4_verify(const unsigned char *frame)
{
	const struct iphdr *ip = (const void *)(frame + ETH_HLEN);
	const struct udphdr *udp = (const void *)(ip + 1);
	uint32_t sum = 0, s = ntohl(ip->saddr), d = ntohl(ip->daddr);

	sum = (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + IPPROTO_UDP + ntohs(udp->len);
	return pkt_csum(udp, ntohs(udp->len), sum);
}

static void check_reply4(const unsigned char *req, size_t len, const unsigned char *rep)
{
	const struct iphdr *qi = (const void *)(req + ETH_HLEN),
			   *ri = (const void *)(rep + ETH_HLEN);
	const struct udphdr *qu = (const void *)(qi + 1), *ru = (const void *)(ri + 1);

	assert_memory_equal(rep, req + 6, 6); /* dst MAC = request's src */
	assert_memory_equal(rep + 6, req, 6);
	assert_int_equal(ri->saddr, qi->daddr);
	assert_int_equal(ri->daddr, qi->saddr);
	assert_int_equal(ru->source, qu->dest);
	assert_int_equal(ru->dest, qu->source);
	assert_int_equal(ru->len, qu->len);
	/* IP header checksum still valid, UDP checksum valid, payload byte-identical */
	assert_int_equal(pkt_csum(ri, sizeof(*ri), 0), 0);
	assert_int_equal(udp4_verify(rep), 0);
	assert_memory_equal(ru + 1, qu + 1, len - ETH_HLEN - sizeof(*qi) - sizeof(*qu));
}

static void test_xdp_replies_byte_exact(void **state)
{
	static const size_t sizes[] = { 0, 1, 16, 63, 64, 1000, 1471 };
	unsigned char req[1600], out[2048], payload[1500];
	size_t i, k, len;
	__u32 ret, out_len;

	(void)state;
	for (k = 0; k < sizeof(payload); k++)
		payload[k] = (unsigned char)(k * 7 + 3);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		len = pkt_build_udp4(req, sizeof(req), &addrs, payload, sizes[i]);
		assert_true(len > 0);
		assert_int_equal(bpft_run(skel->progs.olab_echo_xdp, req, len, &ret, out,
					  sizeof(out), &out_len),
				 0);
		assert_int_equal(ret, XDP_TX);
		assert_int_equal(out_len, len);
		check_reply4(req, len, out);
	}
}

/* veth's TX offload leaves only the pseudo-header sum in the field: the reply must not care. */
static void test_xdp_reply_valid_despite_partial_checksum(void **state)
{
	unsigned char req[256], out[2048];
	struct udphdr *udp = (void *)(req + ETH_HLEN + sizeof(struct iphdr));
	size_t len = pkt_build_udp4(req, sizeof(req), &addrs, "hello, echo!", 12);
	__u32 ret, out_len;

	(void)state;
	udp->check = htons(0x1234); /* whatever the sender left there */
	assert_int_equal(
		bpft_run(skel->progs.olab_echo_xdp, req, len, &ret, out, sizeof(out), &out_len), 0);
	assert_int_equal(ret, XDP_TX);
	assert_int_equal(udp4_verify(out), 0);
}

static void test_xdp_ipv6_reply(void **state)
{
	unsigned char req[256], out[2048];
	struct ethhdr *eth = (void *)req;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);
	const char *msg = "v6 echo";
	size_t plen = strlen(msg), len = ETH_HLEN + sizeof(*ip6) + sizeof(*udp) + plen;
	struct ipv6hdr *r6 = (void *)(out + ETH_HLEN);
	struct udphdr *ru = (void *)(r6 + 1);
	uint32_t sum = 0;
	__u32 ret, out_len;
	int i;

	(void)state;
	memset(req, 0, sizeof(req));
	memcpy(eth->h_source, addrs.src_mac, 6);
	memcpy(eth->h_dest, addrs.dst_mac, 6);
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->hop_limit = 64;
	ip6->payload_len = htons((uint16_t)(sizeof(*udp) + plen));
	ip6->saddr.s6_addr[0] = 0xfd;
	ip6->saddr.s6_addr[15] = 1;
	ip6->daddr.s6_addr[0] = 0xfd;
	ip6->daddr.s6_addr[15] = 2;
	udp->source = htons(5555);
	udp->dest = htons(PORT);
	udp->len = ip6->payload_len;
	memcpy(udp + 1, msg, plen);
	assert_int_equal(
		bpft_run(skel->progs.olab_echo_xdp, req, len, &ret, out, sizeof(out), &out_len), 0);
	assert_int_equal(ret, XDP_TX);
	assert_memory_equal(&r6->saddr, &ip6->daddr, 16);
	assert_memory_equal(&r6->daddr, &ip6->saddr, 16);
	assert_int_equal(ru->dest, udp->source);
	for (i = 0; i < 16; i += 2)
		sum += (uint32_t)(r6->saddr.s6_addr[i] << 8 | r6->saddr.s6_addr[i + 1]) +
		       (uint32_t)(r6->daddr.s6_addr[i] << 8 | r6->daddr.s6_addr[i + 1]);
	sum += IPPROTO_UDP + ntohs(ru->len);
	assert_int_equal(pkt_csum(ru, ntohs(ru->len), sum), 0);
	assert_memory_equal(ru + 1, msg, plen);
}

static void test_tc_swaps_and_redirects(void **state)
{
	unsigned char req[256], out[2048];
	size_t len = pkt_build_udp4(req, sizeof(req), &addrs, "tc echo payload", 15);
	__u32 ret, out_len;

	(void)state;
	assert_int_equal(
		bpft_run(skel->progs.olab_echo_tc, req, len, &ret, out, sizeof(out), &out_len), 0);
	assert_int_equal(ret, TC_ACT_REDIRECT);
	check_reply4(req, len, out);
}

/* Everything that is not a well-formed request for our port: passed on, bytes untouched. */
static void test_non_requests_pass_unchanged(void **state)
{
	struct bpf_program *progs[] = { skel->progs.olab_echo_xdp, skel->progs.olab_echo_tc };
	const __u32 pass[] = { XDP_PASS, TC_ACT_OK };
	unsigned char good[256], bad[256], out[2048];
	struct iphdr *ip = (void *)(bad + ETH_HLEN);
	struct udphdr *udp = (void *)(ip + 1);
	size_t len = pkt_build_udp4(good, sizeof(good), &addrs, "0123456789abcdef", 16), cut;
	struct pkt_addrs other = addrs;
	__u32 ret, out_len;
	int p, c;

	(void)state;
	for (p = 0; p < 2; p++) {
		for (c = 0; c < 7; c++) {
			size_t blen = len;

			memcpy(bad, good, len);
			switch (c) {
			case 0: /* another port */
				other.dst_port = htons(PORT + 1);
				blen = pkt_build_udp4(bad, sizeof(bad), &other, "x", 1);
				break;
			case 1: /* UDP length beyond the frame */
				udp->len = htons(ntohs(udp->len) + 4);
				break;
			case 2: /* UDP length below its header */
				udp->len = htons(4);
				break;
			case 3: /* IP total length shorter than the datagram */
				ip->tot_len = htons(ntohs(ip->tot_len) - 8);
				break;
			case 4: /* a fragment */
				ip->frag_off = htons(0x2001);
				break;
			case 5: /* not UDP */
				ip->protocol = IPPROTO_TCP;
				break;
			case 6: /* not IP */
				((struct ethhdr *)bad)->h_proto = htons(ETH_P_ARP);
				break;
			}
			assert_int_equal(
				bpft_run(progs[p], bad, blen, &ret, out, sizeof(out), &out_len), 0);
			assert_int_equal(ret, pass[p]);
			assert_int_equal(out_len, blen);
			assert_memory_equal(out, bad, blen);
		}
		/*
		 * every truncation of a good request, down to the Ethernet header for XDP; the
		 * kernel's skb test-run (like its receive path) refuses an IPv4 frame shorter than
		 * an IP header before TC could see it
		 */
		for (cut = p == 0 ? ETH_HLEN : ETH_HLEN + sizeof(struct iphdr); cut < len; cut++) {
			assert_int_equal(
				bpft_run(progs[p], good, cut, &ret, out, sizeof(out), &out_len), 0);
			assert_int_equal(ret, pass[p]);
			assert_memory_equal(out, good, cut);
		}
	}
}

static void test_counters_count_replies(void **state)
{
	unsigned char req[256], out[2048];
	size_t len = pkt_build_udp4(req, sizeof(req), &addrs, "count", 5);
	int fd = bpf_map__fd(skel->maps.counters);
	uint64_t before, after;
	__u32 ret, out_len;

	(void)state;
	assert_int_equal(bpfu_percpu_sum(fd, ECHO_REPLIED, &before), 0);
	assert_int_equal(
		bpft_run(skel->progs.olab_echo_xdp, req, len, &ret, out, sizeof(out), &out_len), 0);
	assert_int_equal(bpfu_percpu_sum(fd, ECHO_REPLIED, &after), 0);
	assert_true(after == before + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_replies_byte_exact),
		cmocka_unit_test(test_xdp_reply_valid_despite_partial_checksum),
		cmocka_unit_test(test_xdp_ipv6_reply),
		cmocka_unit_test(test_tc_swaps_and_redirects),
		cmocka_unit_test(test_non_requests_pass_unchanged),
		cmocka_unit_test(test_counters_count_replies),
	};

	return cmocka_run_group_tests_name("echo_bpf", tests, bpft_setup, bpft_teardown);
}
