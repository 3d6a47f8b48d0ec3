// SPDX-License-Identifier: GPL-2.0
/*
 * kvcache consistency by test-run: writes invalidate and hold their keys' windows open until
 * their replies leave (UDP by request id, TCP in order, noreply applied with a later reply);
 * fills happen only from a GET whose ticket nothing has moved; lost TCP tracking falls back
 * to a global window; expiry and flush_all are honoured. Packets go through olab_kvc_xdp
 * (client -> server) and olab_kvc_tc (server -> client) as they would on a real server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <cmocka.h>

#include "bpf_fixture.h"

#include "kvc_util.h"
#include "lib/util.h"

KV_GROUP_SKELETON(s)
static uint16_t next_id = 100;

static uint32_t in_udp(uint16_t id, const char *text)
{
	kv_udp(1, id, 0, 1, text, strlen(text));
	return kv_run(bpf_program__fd(s->progs.olab_kvc_xdp));
}

static void out_udp(uint16_t id, const char *text)
{
	kv_udp(0, id, 0, 1, text, strlen(text));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)),
			 (uint32_t)TC_ACT_UNSPEC /* a reader */);
}

static void in_tcp(uint16_t port, uint32_t seq, int syn, const char *text)
{
	kv_tcp(1, port, seq, syn, 0, text, strlen(text));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_xdp)), XDP_PASS);
}

static void out_tcp(uint16_t port, uint32_t seq, int syn, int fin, const char *text)
{
	kv_tcp(0, port, seq, syn, fin, text, strlen(text));
	assert_int_equal(kv_run(bpf_program__fd(s->progs.olab_kvc_tc)), (uint32_t)TC_ACT_UNSPEC);
}

/* A UDP write of key=val answered STORED: the key's expiry becomes known (never). */
static void udp_set(const char *key, const char *val)
{
	char line[256];
	uint16_t id = next_id++;

	snprintf(line, sizeof(line), "set %s 0 0 %zu\r\n%s\r\n", key, strlen(val), val);
	assert_int_equal(in_udp(id, line), XDP_PASS);
	out_udp(id, "STORED\r\n");
}

/* A GET that misses and memcached's answer val: did it fill the cache? */
static int get_fills(const char *key, const char *val)
{
	char line[256], reply[512];
	uint16_t id = next_id++;
	uint64_t fills = kv_counter(s, KVC_FILL);

	snprintf(line, sizeof(line), "get %s\r\n", key);
	assert_int_equal(in_udp(id, line), XDP_PASS);
	snprintf(reply, sizeof(reply), "VALUE %s 0 %zu\r\n%s\r\nEND\r\n", key, strlen(val), val);
	out_udp(id, reply);
	return kv_counter(s, KVC_FILL) == fills + 1;
}

static void test_udp_fill_then_hit(void **state)
{
	const struct kvc_val *v;

	(void)state;
	udp_set("foo", "hello");
	assert_true(get_fills("foo", "hello"));
	v = kv_cached(s, "foo");
	assert_non_null(v);
	assert_int_equal(v->len, 5);
	assert_memory_equal(v->data, "hello", 5);
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_TX);
	/* a delete takes it out at once */
	assert_int_equal(in_udp(next_id++, "delete foo\r\n"), XDP_PASS);
	assert_null(kv_cached(s, "foo"));
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_PASS);
}

static void test_write_between_get_and_reply_is_fenced(void **state)
{
	uint16_t get_id, set_id;
	uint64_t fenced;

	(void)state;
	udp_set("foo", "old");
	get_id = next_id++;
	assert_int_equal(in_udp(get_id, "get foo\r\n"), XDP_PASS); /* ticket taken */
	set_id = next_id++;
	assert_int_equal(in_udp(set_id, "set foo 0 0 3\r\nnew\r\n"), XDP_PASS);
	fenced = kv_counter(s, KVC_FILL_FENCED);
	out_udp(get_id, "VALUE foo 0 3\r\nold\r\nEND\r\n"); /* answered before the set ran */
	assert_int_equal(kv_counter(s, KVC_FILL_FENCED), fenced + 1);
	assert_null(kv_cached(s, "foo"));
	out_udp(set_id, "STORED\r\n");
	assert_true(get_fills("foo", "new"));
}

static void test_get_during_open_window_takes_no_ticket(void **state)
{
	uint16_t set_id = next_id++, get_id = next_id++;
	uint64_t fills = kv_counter(s, KVC_FILL);

	(void)state;
	udp_set("foo", "old");
	assert_int_equal(in_udp(set_id, "set foo 0 0 3\r\nnew\r\n"), XDP_PASS);
	/* memcached may answer this GET before it runs the set: no ticket */
	assert_int_equal(in_udp(get_id, "get foo\r\n"), XDP_PASS);
	out_udp(get_id, "VALUE foo 0 3\r\nold\r\nEND\r\n");
	assert_int_equal(kv_counter(s, KVC_FILL), fills);
	assert_null(kv_cached(s, "foo"));
	out_udp(set_id, "STORED\r\n");
	assert_true(get_fills("foo", "new"));
	/* a noreply write over UDP never tells when it ran: its key stays uncached */
	assert_int_equal(in_udp(next_id++, "set foo 0 0 1 noreply\r\nx\r\n"), XDP_PASS);
	assert_false(get_fills("foo", "x"));
}

static void test_expiry(void **state)
{
	uint64_t nc = kv_counter(s, KVC_NOT_CACHEABLE);

	(void)state;
	/* never written while attached: its expiry is unknown */
	assert_false(get_fills("never", "v"));
	assert_int_equal(kv_counter(s, KVC_NOT_CACHEABLE), nc + 1);
	/* an absolute Unix time: not cacheable */
	assert_int_equal(in_udp(next_id, "set abs 0 2000000000 1\r\nv\r\n"), XDP_PASS);
	out_udp(next_id++, "STORED\r\n");
	assert_false(get_fills("abs", "v"));
	/* a relative expiry of a second or less: cached already expired, never served */
	assert_int_equal(in_udp(next_id, "set short 0 1 1\r\nv\r\n"), XDP_PASS);
	out_udp(next_id++, "STORED\r\n");
	assert_true(get_fills("short", "v"));
	assert_int_equal(in_udp(next_id++, "get short\r\n"), XDP_PASS);
	/* a long one is served */
	assert_int_equal(in_udp(next_id, "set long 0 1000 1\r\nv\r\n"), XDP_PASS);
	out_udp(next_id++, "STORED\r\n");
	assert_true(get_fills("long", "v"));
	assert_int_equal(in_udp(next_id++, "get long\r\n"), XDP_TX);
}

static void test_flush_all(void **state)
{
	uint16_t id = next_id++;

	(void)state;
	udp_set("foo", "v");
	assert_true(get_fills("foo", "v"));
	assert_int_equal(in_udp(id, "flush_all\r\n"), XDP_PASS);
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_PASS); /* flushed */
	assert_false(get_fills("foo", "v")); /* the flush has not run yet */
	out_udp(id, "OK\r\n");
	udp_set("foo", "w");
	assert_true(get_fills("foo", "w"));
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_TX);
}

static void test_tcp_write_window(void **state)
{
	(void)state;
	udp_set("foo", "v");
	in_tcp(50001, 100, 1, "");			     /* SYN */
	out_tcp(50001, 500, 1, 0, "");			     /* SYN-ACK */
	in_tcp(50001, 101, 0, "set foo 0 0 5\r\nhello\r\n"); /* window opens */
	assert_false(get_fills("foo", "v"));
	out_tcp(50001, 501, 0, 0, "STORED\r\n"); /* and closes */
	assert_true(get_fills("foo", "hello"));
	/* a TCP write takes a cached key out before memcached sees it */
	in_tcp(50001, 123, 0, "delete foo\r\n");
	assert_null(kv_cached(s, "foo"));
	out_tcp(50001, 509, 0, 0, "DELETED\r\n");
}

static void test_tcp_pipeline_noreply_and_split_data(void **state)
{
	const char *seg1 =
		"get a\r\nset foo 0 0 1 noreply\r\nx\r\nget b\r\nset bar 0 0 10\r\n01234";

	(void)state;
	udp_set("foo", "v");
	udp_set("bar", "v");
	in_tcp(50002, 1000, 1, "");
	out_tcp(50002, 9000, 1, 0, "");
	in_tcp(50002, 1001, 0, seg1);
	in_tcp(50002, 1001 + (uint32_t)strlen(seg1), 0, "56789\r\n");
	/* a retransmission of the first segment changes nothing */
	in_tcp(50002, 1001, 0, seg1);
	out_tcp(50002, 9001, 0, 0, "END\r\n"); /* get a */
	assert_false(get_fills("foo", "x"));   /* the noreply set may not have run */
	out_tcp(50002, 9006, 0, 0, "VALUE b 0 1\r\nb\r\nEND\r\n"); /* get b: so the set ran */
	assert_true(get_fills("foo", "x"));
	assert_false(get_fills("bar", "0123456789"));
	out_tcp(50002, 9027, 0, 0, "STORED\r\n"); /* set bar */
	assert_true(get_fills("bar", "0123456789"));
	assert_int_equal(kv_counter(s, KVC_DESYNC), 0);
}

/*
 * Fills are held for the reply wait from now (as a connection not followed sets it), and only
 * then: the hold is as long as the wait (issue 22.6), not until the connection ends.
 */
static void held_for_reply_wait(uint64_t before_ns)
{
	struct timespec ts;
	uint64_t after;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	after = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
	assert_int_equal(s->bss->hold_why, KVC_HOLD_TCP);
	assert_true(s->bss->fill_block_until >= before_ns + KVC_REPLY_WAIT_NS);
	assert_true(s->bss->fill_block_until <= after + KVC_REPLY_WAIT_NS);
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void test_tcp_lost_track_holds_fills(void **state)
{
	uint64_t t0;

	(void)state;
	udp_set("foo", "v");
	/* data on a connection the cache never saw open: it cannot be followed */
	assert_true(get_fills("foo", "v"));
	t0 = mono_ns();
	in_tcp(50003, 7000, 0, "set foo 0 0 1\r\nz\r\n");
	assert_int_equal(kv_counter(s, KVC_DESYNC), 1);
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_PASS); /* flushed */
	assert_false(get_fills("foo", "v"));
	assert_false(get_fills("other", "v"));
	held_for_reply_wait(t0);
	/* memcached answers on it: it may run what it held, so fills are held again */
	s->bss->fill_block_until = 0;
	t0 = mono_ns();
	out_tcp(50003, 1, 0, 0, "STORED\r\n");
	held_for_reply_wait(t0);
	/* once the wait has passed (here: as if), fills resume, the connection still open */
	s->bss->fill_block_until = 0;
	udp_set("foo", "z");
	assert_true(get_fills("foo", "z"));
	out_tcp(50003, 9, 0, 1, "");
	/* a gap in a followed stream does the same */
	in_tcp(50004, 10, 1, "");
	out_tcp(50004, 20, 1, 0, "");
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_TX);
	t0 = mono_ns();
	in_tcp(50004, 50, 0, "get foo\r\n"); /* 11 expected: the bytes between may write */
	assert_int_equal(kv_counter(s, KVC_DESYNC), 2);
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_PASS); /* flushed */
	assert_false(get_fills("foo", "z"));
	held_for_reply_wait(t0);
	out_tcp(50004, 21, 0, 1, "");
	/* a write the parser cannot read: the same */
	in_tcp(50005, 10, 1, "");
	out_tcp(50005, 20, 1, 0, "");
	in_tcp(50005, 11, 0, "ms foo 2\r\nhi\r\n");
	assert_int_equal(kv_counter(s, KVC_DESYNC), 3);
	s->bss->fill_block_until = 0;
}

static void test_udp_bad_write_is_global(void **state)
{
	uint16_t id = next_id++;

	(void)state;
	udp_set("foo", "v");
	assert_int_equal(in_udp(id, "set foo 0 0\r\n"), XDP_PASS); /* unreadable */
	assert_false(get_fills("other", "v"));
	out_udp(id, "CLIENT_ERROR bad command line format\r\n");
	udp_set("other", "v");
	assert_true(get_fills("other", "v"));
}

/* Every write command, over UDP and TCP, takes a cached key out before memcached sees it. */
static void test_every_write_command_invalidates(void **state)
{
	static const char *const writes[] = {
		"set foo 0 0 1\r\nx\r\n",
		"add foo 0 0 1\r\nx\r\n",
		"replace foo 0 0 1\r\nx\r\n",
		"append foo 0 0 1\r\nx\r\n",
		"prepend foo 0 0 1\r\nx\r\n",
		"cas foo 0 0 1 5\r\nx\r\n",
		"incr foo 1\r\n",
		"decr foo 1\r\n",
		"delete foo\r\n",
		"touch foo 10\r\n",
		"gat 10 foo\r\n",
		"gats 10 foo\r\n",
		"set foo 0 0 1 noreply\r\nx\r\n",
		"flush_all\r\n",
		"flush_all 0 noreply\r\n",
		"mg foo v\r\n",
	};
	size_t i;
	int tcp;

	(void)state;
	in_tcp(50010, 99, 1, "");
	out_tcp(50010, 1, 1, 0, "");
	for (tcp = 0; tcp < 2; tcp++) {
		for (i = 0; i < ARRAY_SIZE(writes); i++) {
			uint64_t inv = kv_counter(s, KVC_INVALIDATION);
			uint16_t id = next_id++;

			/* a clean slate: epoch and windows as after a normal write */
			assert_int_equal(kv_fresh(NULL), 0);
			if (tcp) {
				in_tcp(50010, 99, 1, "");
				out_tcp(50010, 1, 1, 0, "");
			}
			udp_set("foo", "v");
			assert_true(get_fills("foo", "v"));
			assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_TX);
			inv = kv_counter(s, KVC_INVALIDATION);
			if (tcp)
				in_tcp(50010, 100, 0, writes[i]);
			else
				assert_int_equal(in_udp(id, writes[i]), XDP_PASS);
			/* gone (or flushed) before memcached could answer it */
			assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_PASS);
			assert_true(kv_counter(s, KVC_INVALIDATION) > inv ||
				    kv_counter(s, KVC_DESYNC) > 0);
		}
	}
}

/* bpf_map's first key, or ENOENT when it is empty */
static int map_empty(const struct bpf_map *m)
{
	uint8_t key[512];

	return bpf_map_get_next_key(bpf_map__fd(m), NULL, key) && errno == ENOENT;
}

/*
 * The reset between cases (kv_fresh) leaves the cache as loaded: nothing cached, no window,
 * ticket or connection, counters and globals as at load, and the routes in place again (a
 * fill is served).
 */
static void test_fresh_is_as_loaded(void **state)
{
	uint16_t get_id = next_id++;
	unsigned int c;

	(void)state;
	udp_set("foo", "v");
	assert_true(get_fills("foo", "v"));
	in_tcp(50020, 1, 1, "");
	assert_int_equal(in_udp(get_id, "get bar\r\n"), XDP_PASS); /* a ticket, a pending */
	assert_int_equal(in_udp(next_id++, "set bar 0 0 1\r\nx\r\n"), XDP_PASS);
	assert_false(map_empty(s->maps.cache));
	assert_false(map_empty(s->maps.meta));
	assert_false(map_empty(s->maps.tickets));
	assert_false(map_empty(s->maps.udp_pending));
	assert_false(map_empty(s->maps.conns));
	s->data->epoch = s->data->mepoch = 7;
	s->bss->gseq = s->bss->fill_block_until = 9;
	s->bss->hold_why = KVC_HOLD_TCP;
	s->bss->server_gone = 1;
	assert_int_equal(kv_fresh(NULL), 0);
	assert_int_equal(s->data->epoch, 1);
	assert_int_equal(s->data->mepoch, 1);
	assert_int_equal(s->bss->gseq, 0);
	assert_int_equal(s->bss->fill_block_until, 0);
	assert_int_equal(s->bss->hold_why, 0);
	assert_int_equal(s->bss->server_gone, 0);
	for (c = 0; c < KVC_NCOUNTERS; c++)
		assert_int_equal(kv_counter(s, (enum kvc_counter)c), 0);
	assert_true(map_empty(s->maps.cache));
	assert_true(map_empty(s->maps.meta));
	assert_true(map_empty(s->maps.tickets));
	assert_true(map_empty(s->maps.udp_pending));
	assert_true(map_empty(s->maps.conns));
	udp_set("foo", "w");
	assert_true(get_fills("foo", "w"));
	assert_int_equal(in_udp(next_id++, "get foo\r\n"), XDP_TX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_udp_fill_then_hit, kv_fresh),
		cmocka_unit_test_setup(test_write_between_get_and_reply_is_fenced, kv_fresh),
		cmocka_unit_test_setup(test_get_during_open_window_takes_no_ticket, kv_fresh),
		cmocka_unit_test_setup(test_expiry, kv_fresh),
		cmocka_unit_test_setup(test_flush_all, kv_fresh),
		cmocka_unit_test_setup(test_tcp_write_window, kv_fresh),
		cmocka_unit_test_setup(test_tcp_pipeline_noreply_and_split_data, kv_fresh),
		cmocka_unit_test_setup(test_tcp_lost_track_holds_fills, kv_fresh),
		cmocka_unit_test_setup(test_udp_bad_write_is_global, kv_fresh),
		cmocka_unit_test_setup(test_every_write_command_invalidates, kv_fresh),
		cmocka_unit_test_setup(test_fresh_is_as_loaded, kv_fresh),
	};

	return cmocka_run_group_tests(tests, kv_group_load, kv_group_unload);
}
