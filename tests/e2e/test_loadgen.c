// SPDX-License-Identifier: GPL-2.0
/* The load generator against a real echo server on loopback. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "loadgen/echo_server.h"
#include "lib/bpfutil.h"
#include "loadgen/loadgen.h"

static struct sockaddr_in lo_addr(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static void opts_for(struct lg_opts *o, enum lg_l4 l4, uint16_t port)
{
	struct sockaddr_in a = lo_addr(port);

	lg_opts_default(o);
	o->l4 = l4;
	memcpy(&o->dst, &a, sizeof(a));
	o->dstlen = sizeof(a);
}

static uint64_t at_least(const struct stats_hist *h, uint64_t v)
{
	uint64_t n = 0, lo, w;
	size_t i;

	for (i = stats_hist_index(v); i < STATS_HIST_BUCKETS; i++) {
		stats_hist_bucket(i, &lo, &w);
		if (lo >= v)
			n += h->count[i];
	}
	return n;
}

static void closed_loop(enum lg_l4 l4, uint16_t port)
{
	struct sockaddr_in a = lo_addr(port);
	struct lg_opts o;
	struct lg_result r;
	struct esrv s;

	assert_int_equal(esrv_start(&s, l4, (struct sockaddr *)&a, sizeof(a), false, -1), 0);
	opts_for(&o, l4, port);
	o.outstanding = 8;
	o.count = 3000;
	/* the count ends the run; the time bound only stops a broken one (a busy machine is slow) */
	o.duration_ns = 60000000000ULL;
	assert_int_equal(lg_run(&o, &r), 0);
	esrv_stop(&s);
	assert_int_equal(r.sent, 3000);
	assert_int_equal(r.received, 3000);
	assert_int_equal(r.lost, 0);
	assert_int_equal(r.bad, 0);
	assert_int_equal(r.lat->n, 3000);
	assert_true(r.lat->min > 0);
	lg_result_free(&r);
}

static void test_closed_loop_udp(void **state)
{
	(void)state;
	closed_loop(LG_UDP, 47001);
}

static void test_closed_loop_tcp(void **state)
{
	(void)state;
	closed_loop(LG_TCP, 47002);
}

/* A clock that jumps 50 ms ahead 50 ms after the first call: a stalled generator. */
static uint64_t t_first;

static uint64_t stalling_clock(void)
{
	uint64_t now = bpfu_now_ns();

	if (!t_first)
		t_first = now;
	return now - t_first >= 50000000ULL ? now + 50000000ULL : now;
}

/*
 * Open loop measures from the intended send time: the requests that fell due while the
 * generator was stalled carry the stall in their latency (no coordinated omission).
 */
static void test_open_loop_counts_from_intended_time(void **state)
{
	struct sockaddr_in a = lo_addr(47003);
	struct lg_opts o;
	struct lg_result r;
	struct esrv s;
	uint64_t slow;

	(void)state;
	assert_int_equal(esrv_start(&s, LG_UDP, (struct sockaddr *)&a, sizeof(a), true, -1), 0);
	opts_for(&o, LG_UDP, 47003);
	o.mode = LG_FIXED;
	o.rate = 2000;
	o.batch = 64;
	o.duration_ns = 300000000ULL;
	t_first = 0;
	o.clock = stalling_clock;
	assert_int_equal(lg_run(&o, &r), 0);
	esrv_stop(&s);
	/* 50 ms at 2000/s = 100 requests were due during the jump and left late */
	assert_true(r.late >= 80);
	/*
	 * those intended in the first 40 ms of it waited at least 10 ms: about 80. A busy
	 * machine can only add late requests, so only the lower bound is the stall's.
	 */
	slow = at_least(r.lat, 10000000ULL);
	assert_true(slow >= 60);
	/* the stall is charged to the requests it delayed, not to all: 100 of ~600 were due */
	assert_true(slow < r.sent);
	lg_result_free(&r);
}

static void test_poisson_rate_is_honoured(void **state)
{
	struct sockaddr_in a = lo_addr(47004);
	struct lg_opts o;
	struct lg_result r;
	struct esrv s;

	(void)state;
	assert_int_equal(esrv_start(&s, LG_UDP, (struct sockaddr *)&a, sizeof(a), true, -1), 0);
	opts_for(&o, LG_UDP, 47004);
	o.mode = LG_POISSON;
	o.rate = 5000;
	o.duration_ns = 500000000ULL;
	assert_int_equal(lg_run(&o, &r), 0);
	esrv_stop(&s);
	/* 2500 expected; Poisson's spread is +-2 %, the margin is wide on purpose */
	assert_true(r.sent >= 2000 && r.sent <= 3000);
	assert_true(r.received >= r.sent * 99 / 100);
	lg_result_free(&r);
}

/* No server: every request is counted lost after the timeout, and the run still ends. */
static void test_lost_requests_are_counted(void **state)
{
	struct lg_opts o;
	struct lg_result r;

	(void)state;
	opts_for(&o, LG_UDP, 47005);
	o.outstanding = 4;
	o.count = 10;
	o.timeout_ns = 20000000ULL;
	o.duration_ns = 2000000000ULL;
	assert_int_equal(lg_run(&o, &r), 0);
	assert_int_equal(r.received, 0);
	assert_int_equal(r.lost, r.sent);
	assert_true(r.sent == 10);
	lg_result_free(&r);
}

static int by_three(const struct lg_app *a, uint32_t seq)
{
	(void)a;
	return (int)(seq % 3);
}

/*
 * An app with classes: every reply's latency in its request's class and in the whole; more
 * classes than the generator times apart are refused.
 */
static void test_classes_timed_apart(void **state)
{
	struct sockaddr_in a = lo_addr(47004);
	struct lg_app app;
	struct lg_opts o;
	struct lg_result r;
	struct esrv s;
	unsigned int c;

	(void)state;
	assert_int_equal(esrv_start(&s, LG_UDP, (struct sockaddr *)&a, sizeof(a), false, -1), 0);
	opts_for(&o, LG_UDP, 47004);
	app = *o.app;
	app.classify = by_three;
	app.nclasses = 3;
	o.app = &app;
	o.outstanding = 8;
	o.count = 3000;
	o.duration_ns = 60000000000ULL;
	assert_int_equal(lg_run(&o, &r), 0);
	assert_int_equal(r.received, 3000);
	assert_int_equal(r.lat->n, 3000);
	assert_null(r.lat_alt);
	assert_int_equal(r.nclasses, 3);
	for (c = 0; c < 3; c++)
		assert_int_equal(r.lat_cls[c].n, 1000);
	lg_result_free(&r);
	app.nclasses = LG_CLASSES_MAX + 1;
	assert_int_equal(lg_run(&o, &r), -EINVAL);
	lg_result_free(&r);
	esrv_stop(&s);
}

static void test_parse_addr(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;

	(void)state;
	assert_int_equal(lg_parse_addr("198.18.0.2:7", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(ntohs(((struct sockaddr_in *)&ss)->sin_port), 7);
	assert_int_equal(lg_parse_addr("[::1]:11211", &ss, &len), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_true(lg_parse_addr("198.18.0.2", &ss, &len) < 0);
	assert_true(lg_parse_addr("198.18.0.2:0", &ss, &len) < 0);
	assert_true(lg_parse_addr("198.18.0.2:70000", &ss, &len) < 0);
	assert_true(lg_parse_addr("example.com:80", &ss, &len) < 0);
	assert_true(lg_parse_addr("[::1:80", &ss, &len) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_closed_loop_udp),
		cmocka_unit_test(test_closed_loop_tcp),
		cmocka_unit_test(test_open_loop_counts_from_intended_time),
		cmocka_unit_test(test_poisson_rate_is_honoured),
		cmocka_unit_test(test_lost_requests_are_counted),
		cmocka_unit_test(test_classes_timed_apart),
		cmocka_unit_test(test_parse_addr),
	};

	return cmocka_run_group_tests_name("loadgen", tests, NULL, NULL);
}
