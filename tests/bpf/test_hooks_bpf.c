// SPDX-License-Identifier: GPL-2.0
/*
 * The hooks programs driven by BPF_PROG_TEST_RUN on prepared packets: every probe is stamped
 * once, at the right hook, with the right sequence number; everything else is passed
 * untouched and leaves no stamp.
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/hooks/hooks.h"
#include "lib/pkt.h"
#include "hooks.skel.h"

#define PORT 40001

BPFT_SKELETON(hooks, skel->rodata->cfg_port = PORT)

static void clear(void)
{
	struct hooks_slot z;
	__u32 k;

	memset(&z, 0, sizeof(z));
	for (k = 0; k < 16; k++)
		bpf_map_update_elem(bpf_map__fd(skel->maps.stamps), &k, &z, BPF_ANY);
}

static struct hooks_slot slot(__u32 seq)
{
	struct hooks_slot s;
	__u32 k = seq % HOOKS_SLOTS;

	memset(&s, 0, sizeof(s));
	assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(skel->maps.stamps), &k, &s), 0);
	return s;
}

static size_t udp4_probe(unsigned char *buf, size_t cap, __u32 seq, __u16 dport, __u32 magic)
{
	struct hooks_probe p = { .magic = magic, .seq = seq, .send_ns = 1 };
	unsigned char payload[64] = { 0 };
	struct pkt_addrs a;

	memset(&a, 0, sizeof(a));
	a.src_ip = htonl(0xc6120001);
	a.dst_ip = htonl(0xc6120002);
	a.src_port = htons(5555);
	a.dst_port = htons(dport);
	memcpy(payload, &p, sizeof(p));
	return pkt_build_udp4(buf, cap, &a, payload, sizeof(payload));
}

static void test_xdp_stamps_probe_once(void **state)
{
	unsigned char pkt[256], out[512];
	struct hooks_slot s;
	__u32 ret, out_len;
	__u64 first;
	size_t len = udp4_probe(pkt, sizeof(pkt), 5, PORT, HOOKS_MAGIC);

	(void)state;
	clear();
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, out,
				  sizeof(out), &out_len),
			 0);
	assert_int_equal(ret, XDP_PASS);
	/* the packet goes on untouched */
	assert_int_equal(out_len, len);
	assert_memory_equal(out, pkt, len);
	s = slot(5);
	assert_int_equal(s.seq1[HP_XDP], 6);
	assert_true(s.t[HP_XDP] > 0);
	/* no other hook was stamped by the XDP program */
	assert_int_equal(s.seq1[HP_TC], 0);
	first = s.t[HP_XDP];
	/* a second pass of the same probe must not move the first stamp */
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	s = slot(5);
	assert_true(s.t[HP_XDP] == first);
}

static void test_tc_stamps_its_own_hook(void **state)
{
	unsigned char pkt[256];
	struct hooks_slot s;
	__u32 ret;
	size_t len = udp4_probe(pkt, sizeof(pkt), 9, PORT, HOOKS_MAGIC);

	(void)state;
	clear();
	assert_int_equal(bpft_run(skel->progs.olab_hooks_tc_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, 0); /* TC_ACT_OK */
	s = slot(9);
	assert_int_equal(s.seq1[HP_TC], 10);
	assert_int_equal(s.seq1[HP_XDP], 0);
}

static void test_tcp_probe_is_found_after_options(void **state)
{
	unsigned char pkt[256];
	struct ethhdr *eth = (void *)pkt;
	struct iphdr *ip = (void *)(eth + 1);
	struct tcphdr *tcp = (void *)(ip + 1);
	struct hooks_probe p = { .magic = HOOKS_MAGIC, .seq = 3 };
	size_t opt = 12, len = sizeof(*eth) + sizeof(*ip) + sizeof(*tcp) + opt + sizeof(p);
	struct hooks_slot s;
	__u32 ret;

	(void)state;
	clear();
	memset(pkt, 0, sizeof(pkt));
	eth->h_proto = htons(ETH_P_IP);
	ip->version = 4;
	ip->ihl = 5;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons((uint16_t)(len - sizeof(*eth)));
	tcp->dest = htons(PORT);
	tcp->doff = (sizeof(*tcp) + opt) / 4;
	memcpy((unsigned char *)(tcp + 1) + opt, &p, sizeof(p));
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, XDP_PASS);
	s = slot(3);
	assert_int_equal(s.seq1[HP_XDP], 4);
}

static void test_ipv6_udp_probe(void **state)
{
	unsigned char pkt[256];
	struct ethhdr *eth = (void *)pkt;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct udphdr *udp = (void *)(ip6 + 1);
	struct hooks_probe p = { .magic = HOOKS_MAGIC, .seq = 11 };
	size_t len = sizeof(*eth) + sizeof(*ip6) + sizeof(*udp) + sizeof(p);
	__u32 ret;

	(void)state;
	clear();
	memset(pkt, 0, sizeof(pkt));
	eth->h_proto = htons(ETH_P_IPV6);
	ip6->version = 6;
	ip6->nexthdr = IPPROTO_UDP;
	ip6->payload_len = htons(sizeof(*udp) + sizeof(p));
	udp->dest = htons(PORT);
	udp->len = ip6->payload_len;
	memcpy(udp + 1, &p, sizeof(p));
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(slot(11).seq1[HP_XDP], 12);
}

/* Anything that is not a well-formed probe passes and leaves no stamp. */
static void test_non_probes_pass_without_stamp(void **state)
{
	unsigned char pkt[256], bad[256];
	struct iphdr *ip = (void *)(bad + sizeof(struct ethhdr));
	size_t len, cut;
	__u32 ret, k;

	(void)state;
	clear();
	/* wrong magic, wrong port */
	len = udp4_probe(pkt, sizeof(pkt), 1, PORT, 0xdeadbeef);
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, XDP_PASS);
	len = udp4_probe(pkt, sizeof(pkt), 1, PORT + 1, HOOKS_MAGIC);
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, len, &ret, NULL, 0, NULL),
			 0);
	/* every truncation of a valid probe, down to the Ethernet header (test-run's minimum) */
	len = udp4_probe(pkt, sizeof(pkt), 1, PORT, HOOKS_MAGIC);
	for (cut = ETH_HLEN; cut < sizeof(struct ethhdr) + 20 + 8 + sizeof(struct hooks_probe);
	     cut++) {
		assert_int_equal(
			bpft_run(skel->progs.olab_hooks_xdp_stamp, pkt, cut, &ret, NULL, 0, NULL),
			0);
		assert_int_equal(ret, XDP_PASS);
	}
	/* a fragment, a bad IHL, and not IP at all */
	memcpy(bad, pkt, len);
	ip->frag_off = htons(0x2000);
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, bad, len, &ret, NULL, 0, NULL),
			 0);
	memcpy(bad, pkt, len);
	ip->ihl = 3;
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, bad, len, &ret, NULL, 0, NULL),
			 0);
	memcpy(bad, pkt, len);
	((struct ethhdr *)bad)->h_proto = htons(ETH_P_ARP);
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_stamp, bad, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, XDP_PASS);
	for (k = 0; k < 16; k++)
		assert_int_equal(slot(k).seq1[HP_XDP], 0);
}

static void test_empty_programs_pass(void **state)
{
	unsigned char pkt[256];
	__u32 ret;
	size_t len = udp4_probe(pkt, sizeof(pkt), 1, PORT, HOOKS_MAGIC);

	(void)state;
	assert_int_equal(bpft_run(skel->progs.olab_hooks_xdp_empty, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, XDP_PASS);
	assert_int_equal(bpft_run(skel->progs.olab_hooks_tc_empty, pkt, len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xdp_stamps_probe_once),
		cmocka_unit_test(test_tc_stamps_its_own_hook),
		cmocka_unit_test(test_tcp_probe_is_found_after_options),
		cmocka_unit_test(test_ipv6_udp_probe),
		cmocka_unit_test(test_non_probes_pass_without_stamp),
		cmocka_unit_test(test_empty_programs_pass),
	};

	return cmocka_run_group_tests_name("hooks_bpf", tests, bpft_setup, bpft_teardown);
}
