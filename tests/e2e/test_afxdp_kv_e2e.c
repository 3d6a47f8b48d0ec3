// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server against the verifying client (src/kvcache/verify.c, the one
 * memcached and the kvcache pass): UDP writers storing increasing versions and UDP readers
 * with multi-gets, concurrently; no stale, missing or corrupt value, no write error, and the
 * server really answered (its request count).
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

#include "afxdp_kv/afxdp_kv_serve.h"
#include "kvcache/verify.h"
#include "testbed/testbed.h"

static struct tb tb;
static struct server *srv;

static void enter_gen(void *arg)
{
	tb_enter(arg, TB_GEN);
}

static int setup(void **state)
{
	struct akv_opts o = { .threads = 1, .port = 11211, .memory_mb = 64, .cpu = -1 };
	int err;

	(void)state;
	if (tb_create(&tb))
		return -1;
	o.dev = tb.dut.ifname;
	o.cpu = tb.dut_cpu;
	if (tb_enter(&tb, TB_DUT))
		return -1;
	err = akv_server_start(&o, &srv);
	tb_leave(&tb);
	return err ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	if (!tb_enter(&tb, TB_DUT)) {
		akv_server_stop(srv);
		tb_leave(&tb);
	}
	tb_destroy(&tb);
	return 0;
}

static void test_verifying_client(void **state)
{
	struct kvv_opts o;
	struct kvv_result r;
	struct akv_stats st;

	(void)state;
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
	assert_int_equal(kvv_run(&o, &r), 0);
	akv_server_stats(srv, &st);
	printf("# %llu reads, %llu writes in %.1f s; timeouts %llu; stale %llu, missing %llu, "
	       "corrupt %llu, final mismatches %llu, write errors %llu; server: %llu requests, "
	       "%llu bad\n",
	       (unsigned long long)r.reads, (unsigned long long)r.writes, r.seconds,
	       (unsigned long long)r.read_timeouts, (unsigned long long)r.stale,
	       (unsigned long long)r.missing, (unsigned long long)r.corrupt,
	       (unsigned long long)r.final_mismatch, (unsigned long long)r.write_errors,
	       (unsigned long long)st.requests, (unsigned long long)st.bad);
	assert_true(r.writes > 0 && r.reads > 0);
	assert_int_equal(r.stale, 0);
	assert_int_equal(r.missing, 0);
	assert_int_equal(r.corrupt, 0);
	assert_int_equal(r.final_mismatch, 0);
	assert_int_equal(r.write_errors, 0);
	assert_true(st.requests >= r.reads + r.writes); /* it answered them all itself */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifying_client),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
