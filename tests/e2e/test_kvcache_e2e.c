// SPDX-License-Identifier: GPL-2.0
/*
 * The kvcache in front of a real memcached (Debian's, in the dut namespace): the verifying
 * client (src/kvcache/verify.c) runs concurrent TCP and UDP writers and UDP readers for at
 * least 100 000 operations, first against memcached alone, then with the kvcache attached;
 * both runs must find no stale, missing or corrupt value, and with the cache attached it must
 * have served hits and taken fills (it was really in the path).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/libbpf.h>

#include "kvcache/kvc.h"
#include "support/kvtb.h"
#include "lib/bpfutil.h"
#include "testbed/testbed.h"
#include "kvcache.skel.h"

static struct tb tb;
static int mc_pid;

static void enter_gen(void *arg)
{
	tb_enter(arg, TB_GEN);
}

static void enter_dut(void *arg)
{
	tb_enter(arg, TB_DUT);
}

static struct sockaddr_in server(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(11211) };

	a.sin_addr.s_addr = tb.dut.addr;
	return a;
}

static int setup(void **state)
{
	char *argv[] = { "memcached", "-u", "root", "-l", "198.18.0.2", "-p", "11211", "-U",
			 "11211",     "-t", "1",    "-m", "64",		"-c", "1024",  NULL };
	int fd;

	(void)state;
	if (access("/usr/bin/memcached", X_OK))
		return -1;
	if (tb_create(&tb))
		return -1;
	mc_pid = tb_spawn(&tb, TB_DUT, tb.dut_cpu, argv);
	if (mc_pid < 0)
		return -1;
	fd = tb_connect(&tb, 11211, 5000000000ULL); /* memcached is up */
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tb_destroy(&tb);
	return 0;
}

static void run_client_lo(struct kvv_result *r, unsigned int keys, unsigned int gap_us,
			  unsigned int lo_writers)
{
	struct kvv_opts o;

	kvv_defaults(&o);
	o.keys = keys;
	o.write_gap_us = gap_us;
	o.server = server();
	o.enter = enter_gen;
	o.enter_arg = &tb;
	o.server_side_writers = lo_writers;
	o.server_enter = enter_dut;
	assert_int_equal(kvv_run(&o, r), 0);
	kvtb_assert_clean(r);
	assert_true(r->reads + r->writes >= 100000);
	assert_true(r->writes > 1000 && r->reads > 1000);
}

static void run_client(struct kvv_result *r, unsigned int keys, unsigned int gap_us)
{
	run_client_lo(r, keys, gap_us, 0);
}

static void test_memcached_alone(void **state)
{
	struct kvv_result r;

	(void)state;
	run_client(&r, 16, 0);
}

static void test_with_kvcache(void **state)
{
	struct xdp_pass_link peer;
	struct kvv_result r;
	uint64_t c[KVC_NCOUNTERS], c0[KVC_NCOUNTERS];
	struct kvc k;
	int i;

	(void)state;
	kvtb_cache_attach(&tb, &k, &peer);

	/* write-heavy: races between writes, fills and reads on few keys */
	run_client(&r, 16, 0);
	/* read-mostly: the cache must answer */
	assert_int_equal(kvc_counters(bpf_map__fd(k.skel->maps.counters), c0), 0);
	run_client(&r, 64, 300);
	assert_int_equal(kvc_counters(bpf_map__fd(k.skel->maps.counters), c), 0);
	printf("# read-mostly run: %llu hits, %llu misses, %llu fills\n",
	       (unsigned long long)(c[KVC_HIT] - c0[KVC_HIT]),
	       (unsigned long long)(c[KVC_MISS] - c0[KVC_MISS]),
	       (unsigned long long)(c[KVC_FILL] - c0[KVC_FILL]));
	printf("# kvcache:");
	for (i = 0; i < KVC_NCOUNTERS; i++)
		printf(" %s %llu;", kvc_counter_name(i), (unsigned long long)c[i]);
	printf("\n");
	assert_true(c[KVC_HIT] > 0);
	assert_true(c[KVC_FILL] > 0);
	assert_true(c[KVC_INVALIDATION] >= r.writes);
	assert_int_equal(c[KVC_DESYNC], 0);
	/* one TCP writer on the server's own host: its writes reach memcached over loopback */
	run_client_lo(&r, 64, 300, 1);

	kvtb_cache_detach(&tb, &k, &peer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_memcached_alone),
		cmocka_unit_test(test_with_kvcache),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
