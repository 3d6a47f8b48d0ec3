// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server against the verifying client (src/kvcache/verify.c, the one
 * memcached and the kvcache pass): UDP writers storing increasing versions and UDP readers
 * with multi-gets, concurrently; no stale, missing or corrupt value, no write error. Alone
 * (the server answered every request itself), and with the kvcache in front, unchanged but
 * for handing its misses to the server's sockets (it served hits and took fills).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/libbpf.h>

#include "afxdp_kv/afxdp_kv_serve.h"
#include "kvcache/kvc.h"
#include "support/kvtb.h"
#include "testbed/testbed.h"
#include "kvcache.skel.h"

static struct tb tb;
static struct akv_server *srv;

static void enter_gen(void *arg)
{
	tb_enter(arg, TB_GEN);
}

static int start(struct kvc *k)
{
	struct akv_opts o = { .threads = 1, .port = 11211, .memory_mb = 64, .cpu = -1 };
	int err;

	o.dev = tb.dut.ifname;
	o.cpu = tb.dut_cpu;
	if (tb_enter(&tb, TB_DUT))
		return -1;
	if (k) {
		o.behind_cache = true;
		o.xskmap_fd = kvc_xsk_handoff(k);
	}
	err = o.xskmap_fd < 0 ? o.xskmap_fd : akv_server_start(&o, &srv);
	tb_leave(&tb);
	return err;
}

static void stop(void)
{
	if (!tb_enter(&tb, TB_DUT)) {
		akv_server_stop(srv);
		tb_leave(&tb);
	}
	srv = NULL;
}

static int setup(void **state)
{
	(void)state;
	return tb_create(&tb) ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	tb_destroy(&tb);
	return 0;
}

static void verify(struct kvv_result *r)
{
	struct kvv_opts o;

	kvv_defaults(&o);
	o.server.sin_family = AF_INET;
	o.server.sin_port = htons(11211);
	o.server.sin_addr.s_addr = tb.dut.addr;
	o.tcp_writers = 0; /* a UDP server */
	o.udp_writers = 2;
	o.readers = 2;
	o.min_ops = 50000;
	o.enter = enter_gen;
	o.enter_arg = &tb;
	assert_int_equal(kvv_run(&o, r), 0);
	kvtb_assert_clean(r);
}

static void test_alone(void **state)
{
	struct kvv_result r;
	struct akv_stats st;

	(void)state;
	assert_int_equal(start(NULL), 0);
	verify(&r);
	akv_server_stats(srv, &st);
	stop();
	printf("# server: %llu requests, %llu bad\n", (unsigned long long)st.requests,
	       (unsigned long long)st.bad);
	assert_true(st.requests >= r.reads + r.writes); /* it answered them all itself */
}

static void test_behind_kvcache(void **state)
{
	uint64_t c[KVC_NCOUNTERS];
	struct xdp_pass_link peer;
	struct kvv_result r;
	struct kvc k;

	(void)state;
	kvtb_cache_attach(&tb, &k, &peer);
	assert_int_equal(start(&k), 0);
	verify(&r);
	stop();
	assert_int_equal(kvc_counters(bpf_map__fd(k.skel->maps.counters), c), 0);
	printf("# kvcache: %llu hits, %llu fills, %llu fenced\n", (unsigned long long)c[KVC_HIT],
	       (unsigned long long)c[KVC_FILL], (unsigned long long)c[KVC_FILL_FENCED]);
	assert_true(c[KVC_HIT] > 0 && c[KVC_FILL] > 0); /* it was in the path */
	kvtb_cache_detach(&tb, &k, &peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alone),
		cmocka_unit_test(test_behind_kvcache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
