// SPDX-License-Identifier: GPL-2.0
/*
 * memcached's UDP connection as the AF_XDP server runs it, without a network: datagrams in,
 * the reply datagrams a capture sink receives out, on a clock of our own. What the comparison
 * with memcached (tests/e2e/akv_diff.py) cannot do without waiting: flush_all's delays on the
 * second; and the rules the rest rests on, checked here at every build: memcached's framing
 * (1400-byte datagrams, sequence numbers, an empty response only at the head of a write), the
 * connection's state between datagrams (a data block finished by the next datagram, after
 * quit), multi-gets beyond one tokenizer's worth, a reply holding the item it sends.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "afxdp_kv/akv_proto.h"
#include "afxdp_kv/akv_store.h"

#define MAXD 4096

static int64_t fake_now = 1700000000;
static struct akv_store st;
static struct akv_settings set;
static struct akv_conn conn;

/* the datagrams sent since the last request() */
static struct {
	uint8_t d[AKV_UDP_PAYLOAD];
	size_t n;
} out[MAXD];
static size_t nout;

static int64_t clock_fake(void)
{
	return fake_now;
}

static void capture(void *ctx, const struct akv_peer *to, const struct iovec *iov, int n,
		    size_t len)
{
	size_t off = 0;
	int i;

	(void)ctx;
	(void)to;
	assert_true(len <= AKV_UDP_PAYLOAD);
	assert_true(nout < MAXD);
	for (i = 0; i < n; i++) {
		memcpy(out[nout].d + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	assert_int_equal(off, len);
	out[nout++].n = len;
}

static int setup(void **state)
{
	(void)state;
	fake_now = 1700000000;
	if (akv_store_init(&st, 64 << 20))
		return -1;
	st.now = clock_fake;
	st.process_started = fake_now - 62;
	akv_settings_default(&set, 11211, 1);
	return akv_conn_init(&conn, &st, &set, &(struct akv_sink){ .send = capture });
}

static int teardown(void **state)
{
	(void)state;
	akv_conn_free(&conn);
	akv_settings_free(&set);
	akv_store_free(&st);
	return 0;
}

/* One datagram of n bytes (frame header added when rid >= 0); the payloads back, joined. */
static const char *raw(int rid, const void *p, size_t n)
{
	static char text[1 << 21];
	uint8_t d[65536];
	struct akv_peer from = { 0 };
	size_t i, t = 0, h = rid >= 0 ? 8 : 0;

	nout = 0;
	memset(d, 0, 8);
	if (h) {
		d[0] = (uint8_t)((unsigned int)rid >> 8);
		d[1] = (uint8_t)rid;
		d[5] = 1;
	}
	memcpy(d + h, p, n);
	akv_datagram(&conn, &from, d, n + h);
	for (i = 0; i < nout; i++) {
		memcpy(text + t, out[i].d + 8, out[i].n - 8);
		t += out[i].n - 8;
	}
	text[t] = '\0';
	return text;
}

static const char *req(const char *s)
{
	return raw(7, s, strlen(s));
}

static void test_framing(void **state)
{
	static char big[3000];
	char cmd[3100];
	size_t i;

	(void)state;
	memset(big, 'x', sizeof(big));
	snprintf(cmd, sizeof(cmd), "set b 0 0 %zu\r\n%.*s\r\n", sizeof(big), (int)sizeof(big), big);
	assert_string_equal(req(cmd), "STORED\r\n");
	/* VALUE b 0 3000\r\n + 3000 + \r\nEND\r\n = 3023 bytes: 1392 + 1392 + 239 */
	req("get b\r\n");
	assert_int_equal(nout, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(out[i].d[0] << 8 | out[i].d[1], 7);
		assert_int_equal(out[i].d[2] << 8 | out[i].d[3], i);
		assert_int_equal(out[i].d[4] << 8 | out[i].d[5], 3);
		assert_int_equal(out[i].n, i < 2 ? 1400 : 8 + 239);
	}
	/* an empty response first: a bare header saying 0 of 0; after one sent: nothing */
	assert_string_equal(req("get x y\r\n"), "END\r\n");
	assert_int_equal(nout, 2);
	assert_int_equal(out[0].n, 8);
	assert_int_equal(out[0].d[5], 0);
	req("get b x y\r\n");
	assert_int_equal(nout, 3 + 1); /* b's three datagrams, then END alone */
	/* one response per command, each its own datagrams */
	assert_string_equal(req("version\r\nversion\r\n"), "VERSION 1.6.18\r\nVERSION 1.6.18\r\n");
	assert_int_equal(nout, 2);
	/* noreply: not sent at all */
	assert_string_equal(req("set q 0 0 1 noreply\r\nv\r\nincr q x noreply\r\n"), "");
	assert_int_equal(nout, 0);
}

static void test_multiget(void **state)
{
	char cmd[4096], want[8192];
	size_t n = 0, w = 0;
	int i;

	(void)state;
	for (i = 0; i < 30; i++)
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, "set m%d 0 0 1\r\n%d\r\n", i,
				      i % 10);
	req(cmd);
	n = (size_t)snprintf(cmd, sizeof(cmd), "get");
	for (i = 0; i < 30; i++) {
		n += (size_t)snprintf(cmd + n, sizeof(cmd) - n, " m%d", i);
		w += (size_t)snprintf(want + w, sizeof(want) - w, "VALUE m%d 0 1\r\n%d\r\n", i,
				      i % 10);
	}
	snprintf(cmd + n, sizeof(cmd) - n, "\r\n");
	snprintf(want + w, sizeof(want) - w, "END\r\n");
	assert_string_equal(req(cmd), want); /* all 30, not the tokenizer's 23 */
}

static void test_flush_times(void **state)
{
	(void)state;
	req("set a 0 0 1\r\n1\r\n");
	/* a delay replaced by flush_all 0: the delayed one never comes */
	assert_string_equal(req("flush_all 2\r\n"), "OK\r\n");
	assert_string_equal(req("flush_all 0\r\n"), "OK\r\n");
	req("set b 0 0 1\r\n2\r\n");
	fake_now += 5;
	assert_string_equal(req("get b\r\n"), "VALUE b 0 1\r\n2\r\nEND\r\n");
	/* a delay: what exists when its second comes goes (at delay - 1: memcached's oldest_live) */
	req("flush_all 3\r\n");
	fake_now += 1;
	assert_string_equal(req("get b\r\n"), "VALUE b 0 1\r\n2\r\nEND\r\n");
	fake_now += 1;
	assert_string_equal(req("get b\r\n"), "END\r\n");
	/* a Unix time before the start: nothing goes, and what a flush took stays gone */
	fake_now += 1;
	req("set c 0 0 1\r\n3\r\n");
	assert_string_equal(req("flush_all 1000000000\r\n"), "OK\r\n");
	fake_now += 10;
	assert_string_equal(req("get c\r\n"), "VALUE c 0 1\r\n3\r\nEND\r\n");
	assert_string_equal(req("get b\r\n"), "END\r\n");
	/* nor does a delay set after a flush that has come */
	req("set d 0 0 1\r\n4\r\nflush_all\r\nflush_all 100\r\n");
	assert_string_equal(req("get c d\r\n"), "END\r\n");
}

static void test_cas_after_flush(void **state)
{
	(void)state;
	req("set a 0 0 1\r\n1\r\n");
	assert_string_equal(req("gets a\r\n"), "VALUE a 0 1 1\r\n1\r\nEND\r\n");
	req("flush_all\r\n"); /* spends CAS 2 */
	req("set a 0 0 1\r\n1\r\n");
	assert_string_equal(req("gets a\r\n"), "VALUE a 0 1 3\r\n1\r\nEND\r\n");
}

static void test_between_datagrams(void **state)
{
	static const uint8_t rest[] = "0123456789\r\n";

	(void)state;
	/* a data block short of 12 bytes takes the next datagram raw, frame header and all */
	assert_string_equal(req("set d 0 0 14\r\nabcd"), "");
	assert_string_equal(raw(-1, rest, sizeof(rest) - 1), "STORED\r\n");
	assert_int_equal(out[0].d[1], 7); /* to the first datagram's request id */
	assert_string_equal(req("get d\r\n"), "VALUE d 0 14\r\nabcd0123456789\r\nEND\r\n");
	/* a line without its end waits, and the next datagram replaces it */
	assert_string_equal(req("version"), "");
	assert_string_equal(req("version\r\n"), "VERSION 1.6.18\r\n");
	/* quit: the rest of the datagram goes, and so it does after every write from then on */
	assert_string_equal(req("version\r\nquit\r\nversion\r\n"), "VERSION 1.6.18\r\n");
	assert_string_equal(req("get x\r\nversion\r\n"), "END\r\n");
}

static void test_not_taken(void **state)
{
	static const uint8_t binary_get[] = { 0x80, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
					      0,    1,	  0,	0,    0, 0, 0, 0, 0, 0,
					      0,    0,	  0,	0,    0, 0, 0, 0, 0, 0 };
	uint8_t two[] = { 0, 9, 0, 0, 0, 2, 0, 0, 'v', 'e', 'r', 's', 'i', 'o', 'n', '\r', '\n' };

	(void)state;
	/* the binary protocol is not served: dropped, counted */
	assert_string_equal(raw(7, binary_get, sizeof(binary_get)), "");
	assert_int_equal(nout, 0);
	assert_int_equal(conn.binary, 1);
	/* a request of two datagrams, and one of 8 bytes: memcached takes neither */
	assert_string_equal(raw(-1, two, sizeof(two)), "");
	assert_string_equal(raw(7, "", 0), "");
	assert_int_equal(nout, 0);
	assert_int_equal(conn.dropped, 1);
	assert_string_equal(req("version\r\n"), "VERSION 1.6.18\r\n");
}

static void test_reply_holds_item(void **state)
{
	(void)state;
	/* mg holds the item it answers until written: an incr then makes a new one, unpadded */
	req("set n 0 0 2\r\n99\r\n");
	assert_string_equal(req("decr n 90\r\nget n\r\n"), "9\r\nVALUE n 0 2\r\n9 \r\nEND\r\n");
	assert_string_equal(req("set n 0 0 2\r\n99\r\nmg n v\r\ndecr n 90\r\nget n\r\n"),
			    "STORED\r\nVA 2\r\n99\r\n9\r\nVALUE n 0 1\r\n9\r\nEND\r\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_framing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multiget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_times, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cas_after_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_between_datagrams, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_holds_item, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
