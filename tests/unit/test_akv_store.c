// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_XDP key-value server's table on a clock of our own: memcached's time (seconds since
 * its start less 62) and exptime rules (relative, a Unix time, negative), flush_all's
 * oldest_live and oldest_cas, LRU eviction within the memory limit (a recent read keeps an
 * item), a CAS unique per link, memcached's item sizes and slab classes, and references (an
 * item unlinked while a reply holds it stays readable until the reply lets it go).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

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
	st.process_started = fake_now - 62;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	akv_store_free(&st);
	return 0;
}

static void put(const char *k, int32_t exptime, const char *v)
{
	struct akv_item *it = akv_item_new(k, strlen(k), 0, akv_exptime(&st, exptime), strlen(v)),
			*old = akv_find(&st, k, strlen(k), false);

	assert_non_null(it);
	memcpy(akv_value(it), v, strlen(v));
	assert_true(old ? akv_replace(&st, old, it) : akv_link(&st, it));
	akv_item_put(old);
	akv_item_put(it);
}

static bool has(const char *k)
{
	struct akv_item *it = akv_find(&st, k, strlen(k), true);

	akv_item_put(it);
	return it != NULL;
}

static void test_clock(void **state)
{
	(void)state;
	assert_int_equal(akv_now(&st), 62);
	assert_int_equal(akv_realtime(&st, 0), 0);
	assert_int_equal(akv_realtime(&st, 10), 72);
	/* a Unix time after the start, and one before it (1: long gone, never 0: never) */
	assert_int_equal(akv_realtime(&st, fake_now + 20), 82);
	assert_int_equal(akv_realtime(&st, 1000000000), 1);
	assert_int_equal(akv_exptime(&st, -5), 1);
}

static void test_expiry(void **state)
{
	(void)state;
	put("rel", 10, "v");
	put("abs", (int32_t)(fake_now + 20), "v"); /* above 30 days: a Unix time */
	put("neg", -1, "v");			   /* already gone */
	put("past", 1000000000, "v");		   /* a Unix time before the start */
	put("never", 0, "v");
	assert_false(has("neg"));
	assert_false(has("past"));
	assert_int_equal(st.c.get_expired, 2);
	fake_now += 9;
	assert_true(has("rel"));
	fake_now += 1; /* at its time: gone, as memcached's exptime <= current_time */
	assert_false(has("rel"));
	assert_true(has("abs"));
	fake_now += 10;
	assert_false(has("abs"));
	fake_now += 1000000;
	assert_true(has("never"));
}

static void test_flush(void **state)
{
	(void)state;
	put("a", 0, "1");
	/* a delayed flush: what exists when its time comes goes, what comes later stays */
	st.oldest_live = akv_realtime(&st, 5) - 1;
	assert_true(has("a"));
	fake_now += 4; /* oldest_live is now: items stored up to it go */
	put("b", 0, "2");
	assert_false(has("a"));
	assert_false(has("b"));
	fake_now += 1;
	put("c", 0, "3");
	assert_true(has("c"));
	assert_int_equal(st.c.get_flushed, 2);
	/* a flush now: a CAS unique spent, items older than it go even within the same second */
	st.oldest_live = akv_now(&st) - 1;
	st.oldest_cas = akv_next_cas(&st);
	assert_false(has("c"));
	put("d", 0, "4");
	assert_true(has("d"));
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
	assert_true(st.c.evictions > 0);
	assert_true(has("k0"));	 /* kept: it was read */
	assert_false(has("k1")); /* the least recent went first */
	assert_true(has("k79"));
	/* an item larger than the whole limit does not link */
	{
		struct akv_item *huge = akv_item_new("huge", 4, 0, 0, 70 * 1024);

		assert_non_null(huge);
		assert_false(akv_link(&st, huge));
		akv_item_put(huge);
	}
}

static void test_cas_and_references(void **state)
{
	struct akv_item *a, *b;
	uint64_t first;

	(void)state;
	put("c", 0, "1");
	a = akv_find(&st, "c", 1, false);
	assert_non_null(a);
	first = a->cas;
	assert_int_equal(a->refcount, 2); /* the table's and ours */
	put("c", 0, "2");		  /* replaced: a is unlinked, still ours to read */
	assert_int_equal(a->refcount, 1);
	assert_memory_equal(akv_value(a), "1", 1);
	b = akv_find(&st, "c", 1, false);
	assert_int_equal(b->cas, first + 1);
	akv_item_put(a);
	akv_item_put(b);
}

static void test_sizes_and_classes(void **state)
{
	(void)state;
	/* memcached: header 48, key and NUL, value and \r\n, flags when non-zero, CAS 8 */
	assert_int_equal(akv_item_ntotal(1, 0, 1), 48 + 2 + 3 + 8);
	assert_int_equal(akv_item_ntotal(1, 5, 1), 48 + 2 + 3 + 4 + 8);
	/* classes: 96 bytes first, growing by 1.25 on 8-byte steps, 512 KB last */
	assert_int_equal(akv_class_size(1), 96);
	assert_int_equal(akv_class_size(2), 120);
	assert_int_equal(akv_class_size(akv_class_largest()), 512 * 1024);
	assert_int_equal(akv_clsid(61), 1);
	assert_int_equal(akv_clsid(97), 2);
	assert_int_equal(akv_clsid(600 * 1024), akv_class_largest());
	/* the whole item within 1 MB */
	assert_int_not_equal(akv_clsid(akv_item_ntotal(1, 0, 1048576 - 60)), 0);
	assert_int_equal(akv_clsid(akv_item_ntotal(1, 0, 1048576 - 59)), 0);
	assert_null(akv_item_new("k", 1, 0, 0, 1048576));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lru_eviction_within_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cas_and_references, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizes_and_classes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
