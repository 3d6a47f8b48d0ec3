// SPDX-License-Identifier: GPL-2.0
/*
 * What one host reads from the other (the agent's requests, its answers): lines bounded and
 * refused whole, numbers range-checked before any arithmetic, text made safe for a terminal.
 */
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

#include "lib/jbound.h"
#include "lib/linerd.h"
#include "lib/safecopy.h"
#include "lib/termsafe.h"

/* The statuses and lines of everything in data, read with a limit of max, as one string. */
static void read_all(size_t max, const char *data, size_t len, char *out, size_t outlen)
{
	struct linerd lr;
	int p[2];
	size_t o = 0;

	assert_int_equal(pipe(p), 0);
	assert_int_equal(lr_init(&lr, p[0], max), 0);
	out[0] = '\0';
	for (;;) {
		char *line;
		enum lr_status st = lr_next(&lr, &line);

		if (st == LR_MORE) {
			/* feed a little at a time: lines cross reads */
			size_t n = len > 3 ? 3 : len;

			if (n) {
				assert_int_equal(write(p[1], data, n), (ssize_t)n);
				data += n;
				len -= n;
			} else {
				close(p[1]);
				p[1] = -1;
			}
			assert_true(lr_fill(&lr) >= 0);
			continue;
		}
		if (st == LR_EOF)
			break;
		o += (size_t)snprintf(out + o, outlen - o, "%s|",
				      st == LR_LINE	 ? line
				      : st == LR_TOOLONG ? "<long>"
							 : "<nul>");
	}
	if (p[1] >= 0)
		close(p[1]);
	close(p[0]);
	lr_free(&lr);
}

static void test_lines(void **state)
{
	char out[256];

	(void)state;
	read_all(8, "ab\ncd\n", 6, out, sizeof(out));
	assert_string_equal(out, "ab|cd|");
	/* exactly the limit is a line; one byte more is refused whole, the next line read */
	read_all(8, "12345678\n123456789\nok\n", 22, out, sizeof(out));
	assert_string_equal(out, "12345678|<long>|ok|");
	/* a NUL byte: the line is refused, not cut at it */
	read_all(8, "ab\0cd\nok\n", 9, out, sizeof(out));
	assert_string_equal(out, "<nul>|ok|");
	/* the last line with no newline is a line; one over the limit at the end is refused */
	read_all(8, "ab\ncd", 5, out, sizeof(out));
	assert_string_equal(out, "ab|cd|");
	read_all(4, "ab\nlonger-than-four", 19, out, sizeof(out));
	assert_string_equal(out, "ab|<long>|");
	read_all(8, "\n\n", 2, out, sizeof(out));
	assert_string_equal(out, "||");
}

/*
 * The attack that ran a bye: a request over 65 535 bytes whose tail past the limit is a request
 * of its own. It is one refused line, and nothing of it is read as a request.
 */
static void test_long_line_is_not_split(void **state)
{
	const char head[] = "{\"op\":\"env\",\"pad\":\"", tail[] = "{\"op\":\"bye\"}\n";
	size_t max = 65535, len = max + sizeof(tail) - 1, i;
	char *data = malloc(len + 16), out[256];

	(void)state;
	assert_non_null(data);
	memcpy(data, head, sizeof(head) - 1);
	for (i = sizeof(head) - 1; i < max; i++)
		data[i] = 'A';
	memcpy(data + max, tail, sizeof(tail) - 1); /* the bye starts at byte 65 535 */
	memcpy(data + len, "{\"op\":\"x\"}\n", 11);
	read_all(max, data, len + 11, out, sizeof(out));
	assert_string_equal(out, "<long>|{\"op\":\"x\"}|");
	free(data);
}

static void test_numbers(void **state)
{
	json_t *a = json_loads("{\"ok\": 5, \"min\": -9223372036854775808, \"max\": "
			       "9223372036854775807, \"r\": 1.5, \"big\": 1e300, \"s\": \"7\"}",
			       0, NULL);
	struct jb b = { .what = "hk_stats" };
	int64_t x;
	double d;

	(void)state;
	assert_non_null(a);
	assert_true(jb_int_in(json_object_get(a, "ok"), 0, 10, &x) && x == 5);
	assert_false(jb_int_in(json_object_get(a, "ok"), 6, 10, &x));
	assert_false(jb_int_in(json_object_get(a, "r"), 0, 10, &x)); /* a real is not an integer */
	assert_false(jb_int_in(json_object_get(a, "s"), 0, 10, &x));
	assert_false(jb_int_in(NULL, 0, 10, &x));
	assert_true(jb_real_in(json_object_get(a, "r"), 0, 2, &d) && d == 1.5);
	assert_true(jb_real_in(json_object_get(a, "ok"), 0, 10, &d) && d == 5);
	assert_false(jb_real_in(json_object_get(a, "big"), -JB_REAL_MAX, JB_REAL_MAX, &d));

	/* the first refusal is kept and named; the value returned is the range's low end */
	assert_int_equal(jb_key_count(&b, a, "ok"), 5);
	assert_int_equal(b.err, 0);
	assert_int_equal(jb_key_count(&b, a, "min"), 0);
	assert_int_equal(b.err, -ERANGE);
	assert_non_null(strstr(b.why, "hk_stats: min is -9223372036854775808, outside 0..4611686"));
	jb_key_count(&b, a, "max");
	assert_non_null(strstr(b.why, "min")); /* still the first */

	b = (struct jb){ .what = "x" };
	assert_int_equal(jb_key_count(&b, a, "max"), 0);
	assert_int_equal(b.err, -ERANGE);
	b = (struct jb){ .what = "x" };
	jb_key_int(&b, a, "absent", -1, 1);
	assert_int_equal(b.err, -EINVAL);
	assert_non_null(strstr(b.why, "absent is missing"));
	b = (struct jb){ .what = "x" };
	jb_key_int(&b, a, "s", 0, 10);
	assert_int_equal(b.err, -EINVAL);
	b = (struct jb){ .what = "x" };
	assert_true(jb_real(&b, json_object_get(a, "big"), "big", -1e18, 1e18) == -1e18);
	assert_int_equal(b.err, -ERANGE);
	/* any two counts: their difference and sum stay within int64 */
	assert_true(JB_COUNT_MAX <= INT64_MAX / 2);
	json_decref(a);
}

static void test_term_safe(void **state)
{
	char buf[64];
	json_t *j;

	(void)state;
	term_safe(buf, sizeof(buf), "a\x1b]0;x\x07 b\tc\x7f");
	assert_string_equal(buf, "a\\x1b]0;x\\x07 b\\x09c\\x7f");
	/* C1 controls (U+009B: CSI) as UTF-8; other UTF-8 stays */
	term_safe(buf, sizeof(buf),
		  "\xc2\x9b"
		  "2J \xc3\xa9");
	assert_string_equal(buf, "\\u009b2J \xc3\xa9");
	/* cut at a whole escape, never in one */
	term_safe(buf, 6, "ab\x1b");
	assert_string_equal(buf, "ab");
	assert_true(term_is_safe("plain text, 100 %"));
	assert_false(term_is_safe("x\n"));

	j = json_loads("{\"event\": \"\\u001b[31mred\", \"a\": [\"\\u0007\", 1], "
		       "\"k\\u001b\": {\"v\": \"\\u009b\"}}",
		       0, NULL);
	assert_non_null(j);
	assert_int_equal(json_term_safe(j), 0);
	assert_string_equal(json_string_value(json_object_get(j, "event")), "\\x1b[31mred");
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "a"), 0)), "\\x07");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(j, "a"), 1)), 1);
	assert_null(json_object_get(j, "k\x1b"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "k\\x1b"), "v")),
			    "\\u009b");
	json_decref(j);
}

/* Another program's standard error, copied to ours escaped; stopped with a writer still there. */
static void test_safecopy(void **state)
{
	FILE *out = tmpfile();
	struct safecopy *c;
	char buf[256] = "";
	size_t n;
	int p[2];

	(void)state;
	assert_non_null(out);
	assert_int_equal(pipe(p), 0);
	c = safecopy_start(p[0], out);
	assert_non_null(c);
	assert_int_equal(write(p[1], "one\x1b[2J\ntwo\x07\n", 13), 13);
	/* the writer is still there (ssh's master may keep it open): stop comes back all the same */
	safecopy_stop(c);
	rewind(out);
	n = fread(buf, 1, sizeof(buf) - 1, out);
	buf[n] = '\0';
	assert_string_equal(buf, "one\\x1b[2J\ntwo\\x07\n");
	close(p[1]);
	fclose(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),	 cmocka_unit_test(test_long_line_is_not_split),
		cmocka_unit_test(test_numbers),	 cmocka_unit_test(test_term_safe),
		cmocka_unit_test(test_safecopy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
