// SPDX-License-Identifier: GPL-2.0
/* The memcached protocol parser shared by the kvcache's BPF programs and user space. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvcache/mcproto.h"

static __u8 buf[MC_BUF];

static enum mc_cmd parse(const char *s, struct mc_req *r)
{
	size_t n = strlen(s);

	memset(buf, 0, sizeof(buf));
	memcpy(buf, s, n > MC_BUF ? MC_BUF : n);
	return mc_parse_req(buf, (__u32)n, r);
}

/* The same for n bytes that may hold zeros. */
static enum mc_cmd parse_n(const char *s, size_t n, struct mc_req *r)
{
	memset(buf, 0, sizeof(buf));
	memcpy(buf, s, n > MC_BUF ? MC_BUF : n);
	return mc_parse_req(buf, (__u32)n, r);
}

static void key_is(const struct mc_req *r, int i, const char *k)
{
	assert_true(i < r->nkeys);
	assert_int_equal(r->klen[i], strlen(k));
	assert_memory_equal(buf + r->koff[i], k, strlen(k));
}

static void test_reads(void **state)
{
	struct mc_req r;
	char line[600];
	int i;

	(void)state;
	assert_int_equal(parse("get foo\r\n", &r), MC_GET);
	assert_int_equal(r.nkeys, 1);
	key_is(&r, 0, "foo");
	assert_int_equal(r.line_len, 9);

	assert_int_equal(parse("gets a bb  ccc\r\nget x\r\n", &r), MC_GETS);
	assert_int_equal(r.nkeys, 3);
	key_is(&r, 2, "ccc");
	assert_int_equal(r.line_len, 16);

	/* a bare \n ends a line too */
	assert_int_equal(parse("get k\n", &r), MC_GET);

	/* more keys than the cache answers: flagged, the first ones kept */
	strcpy(line, "get");
	for (i = 0; i < 10; i++)
		strcat(line, " k");
	strcat(line, "\r\n");
	assert_int_equal(parse(line, &r), MC_GET);
	assert_int_equal(r.nkeys, MC_MAX_KEYS);
	assert_true(r.more_keys);

	/* not understood: passed on */
	assert_int_equal(parse("get\r\n", &r), MC_UNKNOWN);
	assert_int_equal(parse("get foo", &r), MC_UNKNOWN); /* no end of line */
	assert_int_equal(parse("GET foo\r\n", &r), MC_UNKNOWN);
	assert_int_equal(parse("version\r\n", &r), MC_UNKNOWN);
	/* keys are what memcached's tokenizer sees: control bytes and a lone \r included */
	assert_int_equal(parse("get a\x01\tz b\rc\r\n", &r), MC_GET);
	key_is(&r, 0, "a\x01\tz");
	key_is(&r, 1, "b\rc");
	assert_int_equal(parse("", &r), MC_UNKNOWN);
	memset(line, 'k', sizeof(line));
	memcpy(line, "get ", 4);
	strcpy(line + 4 + 251, "\r\n"); /* a 251-byte key */
	assert_int_equal(parse(line, &r), MC_UNKNOWN);
	strcpy(line + 4 + 250, "\r\n"); /* 250 is allowed */
	assert_int_equal(parse(line, &r), MC_GET);
	assert_int_equal(r.klen[0], 250);
}

static void test_writes(void **state)
{
	struct mc_req r;

	(void)state;
	assert_int_equal(parse("set k 5 0 10\r\n0123456789\r\n", &r), MC_SET);
	key_is(&r, 0, "k");
	assert_int_equal(r.flags, 5);
	assert_int_equal(r.exptime, 0);
	assert_int_equal(r.data_len, 10);
	assert_int_equal(r.noreply, 0);
	assert_int_equal(r.line_len, 14);

	assert_int_equal(parse("add k 1 -1 3 noreply\r\n", &r), MC_ADD);
	assert_int_equal(r.exptime, -1);
	assert_int_equal(r.noreply, 1);
	assert_int_equal(parse("replace k 0 100 3\r\n", &r), MC_REPLACE);
	assert_int_equal(r.exptime, 100);
	assert_int_equal(parse("append k 0 0 3\r\n", &r), MC_APPEND);
	assert_int_equal(parse("prepend k 0 0 3\r\n", &r), MC_PREPEND);
	assert_int_equal(parse("cas k 0 0 3 99\r\n", &r), MC_CAS);
	assert_int_equal(r.cas, 99);
	assert_int_equal(parse("cas k 0 0 3 99 noreply\r\n", &r), MC_CAS);
	assert_int_equal(r.noreply, 1);
	assert_int_equal(parse("incr k 5\r\n", &r), MC_INCR);
	key_is(&r, 0, "k");
	assert_int_equal(parse("decr k 5 noreply\r\n", &r), MC_DECR);
	assert_int_equal(r.noreply, 1);
	assert_int_equal(parse("touch k 10\r\n", &r), MC_TOUCH);
	assert_int_equal(r.exptime, 10);
	assert_int_equal(parse("delete k\r\n", &r), MC_DELETE);
	assert_int_equal(r.noreply, 0);
	assert_int_equal(parse("delete k noreply\r\n", &r), MC_DELETE);
	assert_int_equal(r.noreply, 1);
	assert_int_equal(parse("delete k 0\r\n", &r), MC_DELETE);
	assert_int_equal(r.noreply, 0);
	assert_int_equal(parse("gat 10 a b\r\n", &r), MC_GAT);
	assert_int_equal(r.nkeys, 2);
	key_is(&r, 1, "b");
	assert_int_equal(r.exptime, 10);
	assert_int_equal(parse("gats 0 a\r\n", &r), MC_GATS);
	assert_int_equal(parse("flush_all\r\n", &r), MC_FLUSH_ALL);
	assert_int_equal(r.exptime, 0);
	assert_int_equal(parse("flush_all 10\r\n", &r), MC_FLUSH_ALL);
	assert_int_equal(r.exptime, 10);
	assert_int_equal(parse("flush_all noreply\r\n", &r), MC_FLUSH_ALL);
	assert_int_equal(r.noreply, 1);

	/* a write that cannot be read must not pass as harmless */
	assert_int_equal(parse("set k 5 0\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("set k x 0 3\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("set k 0 0 3 junk\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("set k 0 0 99999999999\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("set k 0 0 -3\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("incr k\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("gat x a\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("flush_all a b c\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("delete\r\n", &r), MC_BAD_WRITE);
	/* a write line not complete in the buffer cannot be read: assume the worst */
	assert_int_equal(parse("set k 0 0 3", &r), MC_BAD_WRITE);
	assert_int_equal(parse("get k", &r), MC_UNKNOWN);
	/* the binary protocol and meta commands may write */
	assert_int_equal(parse("\x80\x01\x00\x03", &r), MC_BAD_WRITE);
	assert_int_equal(parse("ms foo 2\r\nhi\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("mg foo v\r\n", &r), MC_BAD_WRITE);
	assert_int_equal(parse("mn\r\n", &r), MC_UNKNOWN);
	/* memcached reads a line as a C string: a zero byte makes it another command */
	assert_int_equal(parse_n("delete a\0b\r\n", 12, &r), MC_BAD_WRITE);
	assert_int_equal(parse_n("get a\0b\r\n", 9, &r), MC_BAD_WRITE);
	assert_int_equal(r.line_len, 9);
}

static void test_value(void **state)
{
	static const char a[] = "VALUE foo 3 5\r\nhello\r\nEND\r\n";
	static const char b[] = "VALUE k 0 2 77\r\nhi\r\nEND\r\n";
	struct mc_value v;

	(void)state;
	memcpy(buf, a, sizeof(a));
	assert_int_equal(mc_parse_value(buf, sizeof(a) - 1, &v), 0);
	assert_int_equal(v.koff, 6);
	assert_int_equal(v.klen, 3);
	assert_int_equal(v.flags, 3);
	assert_int_equal(v.bytes, 5);
	assert_int_equal(v.head_len, 15);
	assert_int_equal(v.has_cas, 0);
	memcpy(buf, b, sizeof(b));
	assert_int_equal(mc_parse_value(buf, sizeof(b) - 1, &v), 0);
	assert_int_equal(v.cas, 77);
	assert_int_equal(v.has_cas, 1);
	memcpy(buf, "END\r\n", 5);
	assert_int_equal(mc_parse_value(buf, 5, &v), -1);
	memcpy(buf, "VALUE k 0\r\n", 11);
	assert_int_equal(mc_parse_value(buf, 11, &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads),
		cmocka_unit_test(test_writes),
		cmocka_unit_test(test_value),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
