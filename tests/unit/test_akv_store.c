// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server's table and protocol on a clock of our own: expiry (relative,
 * absolute, negative), flush_all now and with a delay, LRU eviction within the memory limit
 * (a recent read keeps an item), CAS uniques growing with every store, and the protocol's
 * replies that the comparison with memcached cannot reach (eviction, the reply limit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "afxdp_kv/akv_proto.h"
#include "afxdp_kv/akv_store.h"

static int64_t fake_now = 1700000000;

static int64_t clock_fake(void)
{
	return fake_now;
}

static struct akv_store st;

static int setup(void **state)
{
	(void)state;
	fake_now = 1700000000;
	if (akv_store_init(&st, 64 * 1024))
		return -1;
	st.now = clock_fake;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	akv_store_free(&st);
	return 0;
}

static void put(const char *k, int64_t exptime, const char *v)
{
	assert_non_null(akv_put(&st, k, strlen(k), 0, akv_abs_time(&st, exptime), v, strlen(v)));
}

static bool has(const char *k)
{
	return akv_get(&st, k, strlen(k)) != NULL;
}

static void test_expiry(void **state)
{
	(void)state;
	put("rel", 10, "v");
	put("abs", fake_now + 20, "v"); /* above 30 days: a Unix time */
	put("past", fake_now - 5, "v"); /* a Unix time already past */
	put("neg", -1, "v");
	put("never", 0, "v");
	assert_true(has("rel") && has("abs") && has("never"));
	assert_false(has("past") || has("neg"));
	fake_now += 10;
	assert_false(has("rel"));
	assert_true(has("abs"));
	fake_now += 10;
	assert_false(has("abs"));
	assert_true(has("never"));
}

static void test_flush(void **state)
{
	(void)state;
	put("a", 0, "v");
	akv_flush(&st, 5); /* in 5 s: what exists until then goes */
	assert_true(has("a"));
	fake_now += 2;
	put("b", 0, "v");
	fake_now += 3;
	assert_false(has("a") || has("b"));
	fake_now += 1;
	put("c", 0, "v");
	assert_true(has("c"));
	akv_flush(&st, 0);
	assert_false(has("c"));
	assert_int_equal(st.count, 0);
	assert_int_equal(st.mem, 0);
}

static void test_lru_eviction_within_limit(void **state)
{
	char k[16], v[1000];
	int i;

	(void)state;
	memset(v, 'x', sizeof(v) - 1);
	v[sizeof(v) - 1] = '\0';
	for (i = 0; i < 40; i++) { /* ~40 KB of 64 */
		snprintf(k, sizeof(k), "k%d", i);
		put(k, 0, v);
	}
	assert_true(has("k0")); /* read: now the most recent */
	for (i = 40; i < 80; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		put(k, 0, v);
		assert_true(st.mem <= st.mem_limit);
	}
	assert_true(st.evictions > 0);
	assert_true(has("k0"));	 /* kept: it was read */
	assert_false(has("k1")); /* the least recent went first */
	assert_true(has("k79"));
	/* an item larger than the whole limit is refused, not stored */
	{
		static char huge[70 * 1024];

		memset(huge, 'h', sizeof(huge));
		assert_null(akv_put(&st, "huge", 4, 0, 0, huge, sizeof(huge)));
	}
}

static void test_cas_grows(void **state)
{
	struct akv_item *a, *b;

	(void)state;
	put("c", 0, "1");
	a = akv_get(&st, "c", 1);
	assert_non_null(a);
	{
		uint64_t first = a->cas;

		put("c", 0, "2");
		b = akv_get(&st, "c", 1);
		assert_true(b->cas > first);
	}
}

static void test_reply_limit(void **state)
{
	char out[64], req[128];
	size_t n;

	(void)state;
	put("x", 0, "0123456789012345678901234567890123456789");
	snprintf(req, sizeof(req), "get x x x\r\n");
	/* more than the reply room: memcached's out-of-memory line instead of a cut reply */
	n = akv_process(&st, req, strlen(req), out, sizeof(out));
	assert_true(n > 0 && n <= sizeof(out));
	assert_memory_equal(out, "SERVER_ERROR out of memory", 26);
	/* a datagram of only a line end is one command line: ERROR */
	n = akv_process(&st, "\r\n", 2, out, sizeof(out));
	assert_int_equal(n, 7);
	assert_memory_equal(out, "ERROR\r\n", 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_eviction_within_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cas_grows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reply_limit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
