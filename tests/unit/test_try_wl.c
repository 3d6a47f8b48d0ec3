// SPDX-License-Identifier: GPL-2.0
/* The workload readers of `offloadlab try` (src/try/try_wl.h) on good and hostile input. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "try/try_wl.h"

static int parse(struct workload *w, const char *text, char *why, size_t len)
{
	wl_init(w);
	return wl_parse_requests(w, "r.txt", (const unsigned char *)text, strlen(text), why, len);
}

static void test_requests_good(void **state)
{
	const char *text = "# a comment\n"
			   "\n"
			   "  90 hot get k1\\r\\n\n"
			   "10\tcold\tget k\\x00\\x7f\\\\ x\\t\r\n"
			   "5 hot  spaces kept  ";
	struct workload w;
	char why[200] = "", d1[17], d2[17];
	uint32_t *idx;
	size_t i, hot = 0;

	(void)state;
	assert_int_equal(parse(&w, text, why, sizeof(why)), 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.ncls, 2);
	assert_string_equal(w.cls[0], "hot");
	assert_string_equal(w.cls[1], "cold");
	assert_int_equal(w.total_weight, 105);
	assert_int_equal(w.req[0].len, 8);
	assert_memory_equal(wl_payload(&w, 0), "get k1\r\n", 8);
	/* the CRLF line end is the line's, the escapes are the payload's */
	assert_int_equal(w.req[1].len, 11);
	assert_memory_equal(wl_payload(&w, 1), "get k\0\x7f\\ x\t", 11);
	assert_int_equal(w.req[1].cls, 1);
	assert_memory_equal(wl_payload(&w, 2), "spaces kept  ", 13);
	/* the draw follows the weights */
	assert_int_equal(wl_pick_table(&w, &idx), 0);
	for (i = 0; i < WL_PICK; i++)
		hot += w.req[idx[i]].cls == 0;
	assert_true(hot > WL_PICK * 0.90 && hot < WL_PICK * 0.92);
	free(idx);
	/* the digest is the content's: one byte changes it */
	wl_digest(&w, d1);
	wl_free(&w);
	assert_int_equal(parse(&w,
			       "90 hot get k1\\r\\n\n10 cold get k\\x00\\x7f\\\\ x\\t\n"
			       "5 hot  spaces kept  ",
			       why, sizeof(why)),
			 0);
	wl_digest(&w, d2);
	assert_string_equal(d1, d2);
	wl_free(&w);
	assert_int_equal(parse(&w,
			       "90 hot get k1\\r\\n\n10 cold get k\\x00\\x7f\\\\ x\\t\n"
			       "5 hot  spaces kept ",
			       why, sizeof(why)),
			 0);
	wl_digest(&w, d2);
	assert_string_not_equal(d1, d2);
	wl_free(&w);
}

/* Every bad line is refused with the file, the line and the reason. */
static void test_requests_bad(void **state)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "1 a x\nfoo bar baz\n", "r.txt:2: a line is 'weight class payload'" },
		{ "0 a x\n", "r.txt:1: a weight of 0" },
		{ "1000001 a x\n", "r.txt:1: the weight is over 1000000" },
		{ "99999999999999999999999 a x\n", "r.txt:1: the weight is over" },
		{ "1x a x\n", "r.txt:1: the weight is a whole number" },
		{ "1 \n", "r.txt:1: no class" },
		{ "1 a\n", "r.txt:1: no payload" },
		{ "1 a   \n", "r.txt:1: no payload" },
		{ "1 a/b x\n", "r.txt:1: the class holds 0x2f" },
		{ "1 aaaaaaaaaaaaaaaaaaaaaaaaa x\n", "r.txt:1: the class is longer" },
		{ "1 a x\\q\n", "r.txt:1: unknown escape '\\q'" },
		{ "1 a x\\x4\n", "r.txt:1: \\x needs two hex digits" },
		{ "1 a x\\xg0\n", "r.txt:1: \\x needs two hex digits" },
		{ "1 a x\\\n", "r.txt:1: a lone '\\'" },
		{ "1 a x\x01y\n", "r.txt:1: a raw control byte 0x01 in column 2" },
		{ "1 a x\x7f\n", "r.txt:1: a raw control byte 0x7f" },
		{ "1 a x\r\r\n", "r.txt:1: a raw control byte 0x0d" },
		{ "# only\n\n   \n", "r.txt: no request in it" },
		{ "", "r.txt: no request in it" },
	};
	struct workload w;
	char why[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(parse(&w, bad[i].text, why, sizeof(why)), -EINVAL);
		if (!strstr(why, bad[i].want))
			fail_msg("case %zu: '%s' does not hold '%s'", i, why, bad[i].want);
		wl_free(&w);
	}
	/* a NUL in a line: refused, not cut short */
	wl_init(&w);
	assert_int_equal(wl_parse_requests(&w, "r.txt", (const unsigned char *)"1 a x\0y\n", 8, why,
					   sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "r.txt:1: a NUL byte"));
	wl_free(&w);
}

/* The bounds: line length, payload length, classes, requests, file size. */
static void test_requests_bounds(void **state)
{
	size_t big = (size_t)WL_LINE_MAX + 100, i, n;
	char *text = malloc((size_t)WL_REQS_MAX * 12 + 100), why[200];
	struct workload w;

	(void)state;
	assert_non_null(text);
	/* a line over WL_LINE_MAX */
	memcpy(text, "1 a ", 4);
	memset(text + 4, 'x', big);
	text[4 + big] = '\0';
	assert_int_equal(parse(&w, text, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "r.txt:1: longer than 8192 bytes"));
	wl_free(&w);
	/* a payload over WL_PAYLOAD_MAX after the escapes (a line that fits) */
	n = (size_t)snprintf(text, 100, "1 a ");
	for (i = 0; i < WL_PAYLOAD_MAX / 4 + 2; i++)
		n += (size_t)snprintf(text + n, 10, "\\x41");
	assert_true(n > WL_LINE_MAX);
	text[4 + 4 * 2046] = '\0'; /* 2046 escapes: the line fits */
	assert_int_equal(parse(&w, text, why, sizeof(why)), 0);
	assert_int_equal(w.req[0].len, 2046);
	wl_free(&w);
	n = (size_t)snprintf(text, 100, "1 a ");
	memset(text + n, 'y', WL_PAYLOAD_MAX + 1);
	text[n + WL_PAYLOAD_MAX + 1] = '\0';
	assert_int_equal(parse(&w, text, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "longer than 8192 bytes"));
	wl_free(&w);
	/* a 17th class */
	for (i = 0, n = 0; i < WL_CLASSES_MAX + 1; i++)
		n += (size_t)snprintf(text + n, 30, "1 c%zu x\n", i);
	assert_int_equal(parse(&w, text, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "r.txt:17: more than 16 classes"));
	wl_free(&w);
	/* one request too many */
	for (i = 0, n = 0; i < WL_REQS_MAX + 1; i++)
		n += (size_t)snprintf(text + n, 30, "1 a %zx\n", i);
	assert_int_equal(parse(&w, text, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "r.txt:65537: more than 65536 requests"));
	wl_free(&w);
	/* a file over WL_REQFILE_MAX is refused before it is read */
	wl_init(&w);
	assert_int_equal(wl_parse_requests(&w, "r.txt", (const unsigned char *)text,
					   (size_t)WL_REQFILE_MAX + 1, why, sizeof(why)),
			 -E2BIG);
	wl_free(&w);
	free(text);
}

/* pcap building */
struct pc {
	unsigned char b[4096];
	size_t n;
};

static void put(struct pc *p, const void *d, size_t n)
{
	assert_true(p->n + n <= sizeof(p->b));
	memcpy(p->b + p->n, d, n);
	p->n += n;
}

static void pcap_hdr(struct pc *p, uint32_t magic, uint32_t linktype)
{
	uint32_t h[6] = { magic, 0x00040002, 0, 0, 65535, linktype };

	p->n = 0;
	put(p, h, sizeof(h));
}

/* an Ethernet/IPv4 UDP (proto 17) or TCP (6) packet to dport with payload s */
static void pcap_pkt(struct pc *p, uint8_t proto, uint16_t dport, const char *s, uint16_t frag,
		     uint32_t cut)
{
	unsigned char f[1600] = { 0 };
	size_t pl = strlen(s), l4 = proto == 17 ? 8 : 20, n = 14 + 20 + l4 + pl;
	uint32_t rec[4] = { 0, 0, (uint32_t)n - cut, (uint32_t)n };

	f[12] = 0x08;
	f[14] = 0x45;
	f[16] = (uint8_t)((20 + l4 + pl) >> 8);
	f[17] = (uint8_t)(20 + l4 + pl);
	f[20] = (uint8_t)(frag >> 8);
	f[21] = (uint8_t)frag;
	f[23] = proto;
	f[36] = (uint8_t)(dport >> 8);
	f[37] = (uint8_t)dport;
	if (proto == 17) {
		f[38] = (uint8_t)((8 + pl) >> 8);
		f[39] = (uint8_t)(8 + pl);
	} else {
		f[46] = 5 << 4;
	}
	memcpy(f + 34 + l4, s, pl);
	put(p, rec, sizeof(rec));
	put(p, f, n - cut);
}

static void test_pcap_good(void **state)
{
	struct wl_class_by cb = { 0 };
	struct workload w;
	struct pc p;
	char why[300];

	(void)state;
	assert_int_equal(wl_class_by_add(&cb, "^get =get", why, sizeof(why)), 0);
	assert_int_equal(wl_class_by_add(&cb, "^set=x=set", why, sizeof(why)), 0);
	pcap_hdr(&p, 0xa1b2c3d4, 1);
	pcap_pkt(&p, 17, 11211, "get a\r\n", 0, 0);
	pcap_pkt(&p, 17, 11211, "set=x b\r\n", 0, 0);
	pcap_pkt(&p, 17, 11211, "stats\r\n", 0, 0);
	pcap_pkt(&p, 17, 53, "get other\r\n", 0, 0);	    /* other port */
	pcap_pkt(&p, 6, 11211, "get tcp\r\n", 0, 0);	    /* other protocol */
	pcap_pkt(&p, 17, 11211, "get frag\r\n", 0x2000, 0); /* a fragment */
	pcap_pkt(&p, 17, 11211, "get cut\r\n", 0, 3);	    /* cut by the snaplen */
	pcap_pkt(&p, 17, 11211, "", 0, 0);		    /* empty */
	wl_init(&w);
	assert_int_equal(wl_parse_pcap(&w, "c.pcap", p.b, p.n, 11211, false, &cb, why, sizeof(why)),
			 0);
	assert_int_equal(w.n, 3);
	assert_int_equal(w.pcap_packets, 8);
	assert_string_equal(w.cls[w.req[0].cls], "get");
	assert_string_equal(w.cls[w.req[1].cls], "set");
	assert_string_equal(w.cls[w.req[2].cls], "other");
	assert_memory_equal(wl_payload(&w, 1), "set=x b\r\n", 9);
	assert_int_equal(w.skip_other_port, 1);
	assert_int_equal(w.skip_proto, 1);
	assert_int_equal(w.skip_frag, 1);
	assert_int_equal(w.skip_cut, 1);
	assert_int_equal(w.skip_empty, 1);
	wl_free(&w);
	/* TCP, the other byte order, no rules: one class "all" */
	pcap_hdr(&p, 0xd4c3b2a1, 0x01000000);
	wl_init(&w);
	{
		struct pc q;

		pcap_hdr(&q, 0xa1b2c3d4, 1);
		pcap_pkt(&q, 6, 11211, "get t\r\n", 0, 0);
		/* swap the record header's words into the other byte order */
		for (size_t i = 24; i < 40; i += 4) {
			uint32_t v;

			memcpy(&v, q.b + i, 4);
			v = __builtin_bswap32(v);
			memcpy(q.b + i, &v, 4);
		}
		put(&p, q.b + 24, q.n - 24);
	}
	assert_int_equal(wl_parse_pcap(&w, "c.pcap", p.b, p.n, 11211, true, NULL, why, sizeof(why)),
			 0);
	assert_int_equal(w.n, 1);
	assert_string_equal(w.cls[0], "all");
	assert_memory_equal(wl_payload(&w, 0), "get t\r\n", 7);
	wl_free(&w);
	wl_class_by_free(&cb);
}

static void expect_pcap_err(const struct pc *p, const char *want)
{
	struct workload w;
	char why[400] = "";

	wl_init(&w);
	assert_int_equal(
		wl_parse_pcap(&w, "c.pcap", p->b, p->n, 11211, false, NULL, why, sizeof(why)),
		-EINVAL);
	if (!strstr(why, want))
		fail_msg("'%s' does not hold '%s'", why, want);
	wl_free(&w);
}

static void test_pcap_hostile(void **state)
{
	struct wl_class_by cb = { 0 };
	struct pc p;
	uint32_t huge[4] = { 0, 0, 0x7fffffff, 0x7fffffff };
	char why[200];
	size_t n;

	(void)state;
	pcap_hdr(&p, 0x12345678, 1);
	expect_pcap_err(&p, "c.pcap: not a pcap file (magic 12345678)");
	pcap_hdr(&p, 0x0a0d0d0a, 1);
	expect_pcap_err(&p, "a pcapng file");
	pcap_hdr(&p, 0xa1b2c3d4, 105);
	expect_pcap_err(&p, "link type 105");
	p.n = 10;
	expect_pcap_err(&p, "shorter than a pcap header");
	/* a huge captured length: refused, never allocated nor read past the end */
	pcap_hdr(&p, 0xa1b2c3d4, 1);
	put(&p, huge, sizeof(huge));
	expect_pcap_err(&p, "record 1 (byte 24): a captured length over 262144");
	/* a record cut inside its data, then inside its header */
	pcap_hdr(&p, 0xa1b2c3d4, 1);
	pcap_pkt(&p, 17, 11211, "get a\r\n", 0, 0);
	n = p.n;
	pcap_pkt(&p, 17, 11211, "get b\r\n", 0, 0);
	p.n -= 5;
	expect_pcap_err(&p, "record 2 (byte 89): the file ends inside the packet");
	p.n = n + 7;
	expect_pcap_err(&p, "record 2 (byte 89): the file ends inside a record header");
	/* nothing for the port: said with what it held */
	pcap_hdr(&p, 0xa1b2c3d4, 1);
	pcap_pkt(&p, 17, 53, "x", 0, 0);
	expect_pcap_err(&p, "no UDP payload to port 11211 in 1 packet(s) (0 not IPv4 or "
			    "damaged, 0 other protocol, 1 other port");
	/* a UDP length that lies (larger than the IP packet): damaged, not read past */
	pcap_hdr(&p, 0xa1b2c3d4, 1);
	pcap_pkt(&p, 17, 11211, "get a\r\n", 0, 0);
	p.b[24 + 16 + 38] = 0x7f;
	expect_pcap_err(&p, "1 not IPv4 or damaged");
	/* --class-by: bad rules */
	assert_int_equal(wl_class_by_add(&cb, "noequals", why, sizeof(why)), -EINVAL);
	assert_int_equal(wl_class_by_add(&cb, "=label", why, sizeof(why)), -EINVAL);
	assert_int_equal(wl_class_by_add(&cb, "x=", why, sizeof(why)), -EINVAL);
	assert_int_equal(wl_class_by_add(&cb, "x=a b", why, sizeof(why)), -EINVAL);
	assert_int_equal(wl_class_by_add(&cb, "(=a", why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "the regular expression '('"));
	assert_int_equal(cb.n, 0);
	wl_class_by_free(&cb);
}

static void test_read_file(void **state)
{
	char path[] = "/tmp/olab-try-wl-XXXXXX", why[300];
	unsigned char *buf;
	size_t len;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "1 a b\n", 6), 6);
	close(fd);
	assert_int_equal(wl_read_file(path, 100, &buf, &len, why, sizeof(why)), 0);
	assert_int_equal(len, 6);
	free(buf);
	assert_int_equal(wl_read_file(path, 5, &buf, &len, why, sizeof(why)), -E2BIG);
	assert_null(buf);
	unlink(path);
	assert_int_equal(wl_read_file(path, 5, &buf, &len, why, sizeof(why)), -ENOENT);
	assert_int_equal(wl_read_file("/tmp", 5, &buf, &len, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not a regular file"));
	assert_int_equal(wl_read_file("/dev/zero", 5, &buf, &len, why, sizeof(why)), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_requests_good),	cmocka_unit_test(test_requests_bad),
		cmocka_unit_test(test_requests_bounds), cmocka_unit_test(test_pcap_good),
		cmocka_unit_test(test_pcap_hostile),	cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
