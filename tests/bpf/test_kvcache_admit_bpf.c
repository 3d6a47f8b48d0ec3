// SPDX-License-Identifier: GPL-2.0
/*
 * Who an XDP program may answer itself (test-run; src/include/olab_admit.bpf.h), for both
 * programs that share the rules: the kvcache's hit path and the AF_XDP key-value server's
 * redirect. Only what memcached's kernel would deliver to its socket (IP version, lengths,
 * checksums, no martian source), and only from where the kernel would send memcached's reply:
 * the MAC, device and local address of the route the kernel used for its last reply to the
 * client. A spoofer on the same link gets nothing from the cache.
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

#include "afxdp_kv/afxdp_kv.h"
#include "kvc_util.h"
#include "lib/admit.h"

#include "afxdp_kv.skel.h"

BPFT_SKELETON_FROM(kvcache, s, kv_open())

static uint8_t out[4096];
static uint32_t out_len;

static uint32_t run(void)
{
	uint32_t ret = 0;

	assert_int_equal(
		bpft_run(s->progs.olab_kvc_xdp, kv_pkt, kv_len, &ret, out, sizeof(out), &out_len),
		0);
	return ret;
}

/* The IPv4 header and UDP checksums again, after a test changed the frame. */
static void fix_sums(void)
{
	struct iphdr *ip = (void *)(kv_pkt + 14);
	uint8_t *u = kv_pkt + 34;
	uint32_t sum = 0;
	size_t ulen = (size_t)(u[4] << 8 | u[5]);
	uint16_t c;

	ip->check = 0;
	ip->check = pkt_csum(ip, 20, 0);
	sum = ntohl(ip->saddr) >> 16;
	sum += ntohl(ip->saddr) & 0xffff;
	sum += ntohl(ip->daddr) >> 16;
	sum += ntohl(ip->daddr) & 0xffff;
	sum += IPPROTO_UDP + (uint32_t)ulen;
	u[6] = u[7] = 0;
	c = pkt_csum(u, ulen, sum);
	if (!c)
		c = 0xffff;
	memcpy(u + 6, &c, 2);
}

static void get_k2(void)
{
	assert_int_equal(kv_put(s, "k2", "old"), 0);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
}

static void set_ip(int offset, uint32_t addr_host)
{
	uint32_t a = htonl(addr_host);

	memcpy(kv_pkt + 14 + offset, &a, 4);
	fix_sums();
}

static void set_cfg(uint8_t allow_only, uint8_t partial, uint32_t rate, uint32_t burst)
{
	struct olab_adm_cfg c = { .ifindex = 1,
				  .route_ttl_ns = 3600000000000ULL, /* an hour: hand-made routes */
				  .allow_only = allow_only,
				  .csum_partial = partial,
				  .rate = rate,
				  .burst = burst };
	uint32_t zero = 0;

	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.adm_cfg), &zero, &c, BPF_ANY), 0);
}

/* The frame as it is now must go to memcached, counted as why, untouched. */
static void passed(enum kvc_counter why)
{
	uint64_t before = kv_counter(s, why), hits = kv_counter(s, KVC_HIT);

	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(kv_counter(s, why), before + 1);
	assert_int_equal(kv_counter(s, KVC_HIT), hits);
	assert_int_equal(out_len, kv_len);
	assert_memory_equal(out, kv_pkt, kv_len);
}

static void answered(void)
{
	assert_int_equal(run(), XDP_TX);
	/* back to the MAC and from the address the kernel used for memcached's reply */
	assert_memory_equal(out, kv_client_mac, 6);
	assert_memory_equal(out + 6, kv_server_mac, 6);
	assert_int_equal(ntohl(*(uint32_t *)(out + 26)), SERVER_IP);
	assert_int_equal(ntohl(*(uint32_t *)(out + 30)), CLIENT_IP);
}

/* Item 7: only what the kernel would deliver to memcached's socket. */
static void test_kernel_would_deliver(void **state)
{
	(void)state;
	set_cfg(0, 0, 0, 0);
	get_k2();
	answered();
	/* an IPv4 header of version 6, or 0 */
	get_k2();
	kv_pkt[14] = 0x65;
	passed(KVC_BAD_FRAME);
	get_k2();
	kv_pkt[14] = 0x05;
	passed(KVC_BAD_FRAME);
	/* the server's own address as the source, and the subnet's broadcast */
	get_k2();
	set_ip(12, SERVER_IP);
	passed(KVC_BAD_SRC);
	get_k2();
	set_ip(12, 0xc61200ffu);
	passed(KVC_NO_ROUTE); /* the kernel never sends memcached's reply to it */
	get_k2();
	set_ip(12, 0xffffffffu);
	passed(KVC_BAD_SRC);
	get_k2();
	set_ip(12, 0);
	passed(KVC_BAD_SRC);
	get_k2();
	set_ip(12, 0x7f000001u);
	passed(KVC_BAD_SRC);
	get_k2();
	set_ip(12, 0xe0000001u);
	passed(KVC_BAD_SRC);
	/* to 127.0.0.1, to the subnet's broadcast, to an address not the kernel's answer */
	get_k2();
	set_ip(16, 0x7f000001u);
	passed(KVC_NO_ROUTE);
	get_k2();
	set_ip(16, 0xc61200ffu);
	passed(KVC_NO_ROUTE);
	get_k2();
	set_ip(16, 0xc6120063u);
	passed(KVC_NO_ROUTE);
	/* a broadcast or multicast source MAC */
	get_k2();
	memset(kv_pkt + 6, 0xff, 6);
	passed(KVC_BAD_SRC);
	/* a bad IPv4 header checksum; a UDP length shorter than the IP payload */
	get_k2();
	kv_pkt[14 + 10] ^= 0x55;
	passed(KVC_BAD_FRAME);
	get_k2();
	{
		struct iphdr *ip = (void *)(kv_pkt + 14);

		memcpy(kv_pkt + kv_len, "junk", 4);
		kv_len += 4;
		ip->tot_len = htons((uint16_t)(ntohs(ip->tot_len) + 4));
		ip->check = 0;
		ip->check = pkt_csum(ip, 20, 0);
	}
	passed(KVC_BAD_FRAME);
}

/* Item 7: the UDP checksum, when there is one, as the kernel checks it. */
static void test_udp_checksum(void **state)
{
	uint16_t partial;
	uint32_t sum;

	(void)state;
	set_cfg(0, 0, 0, 0);
	get_k2();
	kv_pkt[34 + 6] ^= 0x01;
	passed(KVC_BAD_CSUM);
	get_k2();
	kv_pkt[kv_len - 3] ^= 0x20; /* a byte of the request changed: the sum no longer holds */
	passed(KVC_BAD_CSUM);
	get_k2();
	kv_pkt[34 + 6] = kv_pkt[34 + 7] = 0; /* none (IPv4 allows it) */
	answered();
	/* a local sender's partial sum (the pseudo-header's), as veth carries it */
	sum = (CLIENT_IP >> 16) + (CLIENT_IP & 0xffff) + (SERVER_IP >> 16) + (SERVER_IP & 0xffff) +
	      IPPROTO_UDP + (uint32_t)(kv_len - 34);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	partial = htons((uint16_t)sum);
	get_k2();
	memcpy(kv_pkt + 34 + 6, &partial, 2);
	passed(KVC_BAD_CSUM); /* not on a physical device */
	set_cfg(0, 1, 0, 0);
	get_k2();
	memcpy(kv_pkt + 34 + 6, &partial, 2);
	answered(); /* on a virtual one */
	get_k2();
	kv_pkt[34 + 6] ^= 0x01;
	passed(KVC_BAD_CSUM); /* anything else is still bad */
	set_cfg(0, 0, 0, 0);
}

/* A GET for k2 over IPv6 from the test client, its UDP checksum valid unless zero. */
static void get_k2_v6(int zero_csum)
{
	const char *req = "get k2\r\n";
	size_t rl = strlen(req), ulen = 8 + 8 + rl, i;
	uint8_t *p = kv_pkt;
	uint32_t sum = 0;
	uint16_t c;

	assert_int_equal(kv_put(s, "k2", "old"), 0);
	memset(kv_pkt, 0, 128);
	memcpy(p, kv_server_mac, 6);
	memcpy(p + 6, kv_client_mac, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	p[14] = 0x60;
	p[18] = (uint8_t)(ulen >> 8);
	p[19] = (uint8_t)ulen;
	p[20] = 17;
	p[21] = 64;
	memcpy(p + 22, kv_client6, 16);
	memcpy(p + 38, kv_server6, 16);
	p[54] = 40000 >> 8;
	p[55] = 40000 & 0xff;
	p[56] = 11211 >> 8;
	p[57] = 11211 & 0xff;
	p[58] = (uint8_t)(ulen >> 8);
	p[59] = (uint8_t)ulen;
	memcpy(p + 62, (uint8_t[]){ 0x12, 0x34, 0, 0, 0, 1, 0, 0 }, 8);
	memcpy(p + 70, req, rl);
	kv_len = 70 + rl;
	for (i = 22; i < 54; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	sum += (uint32_t)ulen + 17;
	c = zero_csum ? 0 : pkt_csum(p + 54, ulen, sum);
	memcpy(p + 60, &c, 2);
}

static void test_ipv6(void **state)
{
	(void)state;
	set_cfg(0, 0, 0, 0);
	get_k2_v6(0);
	assert_int_equal(run(), XDP_TX);
	get_k2_v6(1);
	passed(KVC_BAD_CSUM); /* the kernel drops a UDP datagram without checksum over IPv6 */
	get_k2_v6(0);
	kv_pkt[14] = 0x40; /* version 4 in an IPv6 header */
	passed(KVC_BAD_FRAME);
}

/* Item 8: a host on the same link that spoofs an allowed client's address gets nothing. */
static void test_reply_goes_where_the_kernel_sends_it(void **state)
{
	struct olab_adm_addr k = { 0 };
	struct olab_adm_route r;
	int fd = bpf_map__fd(s->maps.adm_routes);

	(void)state;
	set_cfg(0, 0, 0, 0);
	get_k2();
	kv_pkt[6 + 5] = 0x66; /* the client's address, another host's MAC */
	passed(KVC_NO_ROUTE);
	/* the kernel's route to the client goes out of another device */
	k.addr[0] = htonl(CLIENT_IP);
	assert_int_equal(bpf_map_lookup_elem(fd, &k, &r), 0);
	r.ifindex = 7;
	assert_int_equal(bpf_map_update_elem(fd, &k, &r, BPF_ANY), 0);
	get_k2();
	passed(KVC_NO_ROUTE);
	/* nothing learnt for longer than the route's trust: memcached is asked (its reply teaches) */
	{
		struct olab_adm_cfg c;
		uint32_t zero = 0;

		assert_int_equal(bpf_map_lookup_elem(bpf_map__fd(s->maps.adm_cfg), &zero, &c), 0);
		c.route_ttl_ns = 1000000000ULL;
		assert_int_equal(
			bpf_map_update_elem(bpf_map__fd(s->maps.adm_cfg), &zero, &c, BPF_ANY), 0);
		r.ifindex = 1;
		r.learnt_ns -= 2000000000ULL;
		assert_int_equal(bpf_map_update_elem(fd, &k, &r, BPF_ANY), 0);
		get_k2();
		passed(KVC_NO_ROUTE);
		set_cfg(0, 0, 0, 0);
	}
	/* nothing learnt about this client at all */
	assert_int_equal(bpf_map_delete_elem(fd, &k), 0);
	get_k2();
	passed(KVC_NO_ROUTE);
	assert_int_equal(kv_routes(s), 0);
	get_k2();
	answered();
}

static void test_unconfigured_answers_nobody(void **state)
{
	struct kvcache_bpf *raw = kvcache_bpf__open_and_load();
	struct kvcache_bpf *keep = s;

	(void)state;
	assert_non_null(raw);
	s = raw;
	get_k2();
	assert_int_equal(run(), XDP_PASS);
	assert_int_equal(kv_counter(s, KVC_NOT_LOCAL), 1);
	s = keep;
	kvcache_bpf__destroy(raw);
}

static void allow(const char *cidr)
{
	struct olab_adm_lpm4 k;
	uint8_t a[16], one = 1;
	int v6, prefix;

	assert_int_equal(adm_parse_cidr(cidr, &v6, a, &prefix), 0);
	assert_int_equal(v6, 0);
	k.prefixlen = (uint32_t)prefix;
	memcpy(k.addr, a, 4);
	assert_int_equal(bpf_map_update_elem(bpf_map__fd(s->maps.adm_allow4), &k, &one, BPF_ANY),
			 0);
}

static void test_allow_list_and_rate(void **state)
{
	uint8_t a[16];
	int v6, p;

	(void)state;
	assert_int_equal(adm_parse_cidr("2001:db8::/32", &v6, a, &p), 0);
	assert_true(v6 && p == 32 && a[1] == 0x01);
	assert_int_equal(adm_parse_cidr("198.18.0.0/33", &v6, a, &p), -EINVAL);
	assert_int_equal(adm_parse_cidr("not-an-address", &v6, a, &p), -EINVAL);

	set_cfg(1, 0, 0, 0);
	allow("10.0.0.0/8");
	get_k2();
	passed(KVC_SRC_REFUSED); /* 198.18.0.1 is not allowed */
	allow("198.18.0.0/15");
	get_k2();
	answered();

	/* one answer a second, one at once: the second is memcached's to give */
	set_cfg(0, 0, 1, 1);
	get_k2();
	answered();
	get_k2();
	passed(KVC_RATE_LIMITED);
	set_cfg(0, 0, 0, 0);
}

/* ---- the AF_XDP key-value server's redirect: the same rules, from the same header ---- */

static uint64_t akv_counter(struct afxdp_kv_bpf *a, uint32_t k)
{
	int ncpu = libbpf_num_possible_cpus(), i;
	uint64_t v[256] = { 0 }, sum = 0;

	if (bpf_map_lookup_elem(bpf_map__fd(a->maps.akv_counters), &k, v))
		return 0;
	for (i = 0; i < ncpu && i < 256; i++)
		sum += v[i];
	return sum;
}

/* The frame in kv_pkt through the server's program: redirected (1) or left to the kernel. */
static int akv_takes(struct afxdp_kv_bpf *a, enum olab_adm_verdict why)
{
	uint64_t red = akv_counter(a, AKV_REDIRECTED), w = akv_counter(a, AKV_ADMISSION + why);
	uint32_t ret = 0;

	/* no socket in the map in test-run: a redirect falls back to XDP_PASS, so count */
	assert_int_equal(bpft_run(a->progs.olab_akv_redirect, kv_pkt, kv_len, &ret, NULL, 0, NULL),
			 0);
	assert_int_equal(ret, XDP_PASS);
	if (akv_counter(a, AKV_REDIRECTED) == red + 1)
		return 1;
	assert_int_equal(akv_counter(a, AKV_ADMISSION + why), w + 1);
	return 0;
}

static void test_afxdp_server_same_rules(void **state)
{
	struct afxdp_kv_bpf *a = afxdp_kv_bpf__open_and_load();
	struct adm_opts o = { .ifindex = 1 };
	uint32_t sip = htonl(SERVER_IP), cip = htonl(CLIENT_IP);

	(void)state;
	assert_non_null(a);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	assert_int_equal(akv_takes(a, OLAB_ADM_NOT_LOCAL), 0); /* not configured: nobody */
	assert_int_equal(adm_configure(a->obj, &o), 0);
	assert_int_equal(akv_takes(a, OLAB_ADM_NO_ROUTE), 0); /* no reply of the kernel's yet */
	assert_int_equal(adm_seed_route(a->obj, 0, &cip, &sip, 1, kv_server_mac, kv_client_mac), 0);
	assert_int_equal(akv_takes(a, OLAB_ADM_OK), 1);
	kv_pkt[6 + 5] = 0x66; /* a spoofer on the link */
	assert_int_equal(akv_takes(a, OLAB_ADM_NO_ROUTE), 0);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	set_ip(12, SERVER_IP);
	assert_int_equal(akv_takes(a, OLAB_ADM_BAD_SRC), 0);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	set_ip(16, 0xc61200c8u); /* .200: not where the kernel answers from */
	assert_int_equal(akv_takes(a, OLAB_ADM_NO_ROUTE), 0);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	kv_pkt[kv_len - 3] ^= 0x20;
	assert_int_equal(akv_takes(a, OLAB_ADM_BAD_CSUM), 0);
	kv_udp(1, 0x1234, 0, 1, TXT("get k2\r\n"));
	o.rate = 1; /* one a second, one at once */
	assert_int_equal(adm_configure(a->obj, &o), 0);
	assert_int_equal(akv_takes(a, OLAB_ADM_OK), 1);
	assert_int_equal(akv_takes(a, OLAB_ADM_RATE), 0);
	afxdp_kv_bpf__destroy(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_would_deliver),
		cmocka_unit_test(test_udp_checksum),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_reply_goes_where_the_kernel_sends_it),
		cmocka_unit_test(test_unconfigured_answers_nobody),
		cmocka_unit_test(test_allow_list_and_rate),
		cmocka_unit_test(test_afxdp_server_same_rules),
	};

	return cmocka_run_group_tests_name("kvcache_admit", tests, bpft_setup, bpft_teardown);
}
