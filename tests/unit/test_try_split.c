// SPDX-License-Identifier: GPL-2.0
/* try's command lines (src/try/try_split.c): split without a shell, placeholders checked. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "try/try_int.h"

static struct try_argv a;

static void test_split(void **state)
{
	struct try_subst s = { "198.18.0.2", "olab-d", 11211 };
	char why[200], line[300];

	(void)state;
	assert_int_equal(try_split("memcached -l {addr} -p {port}  -U {port}\t--dev={dev}", &s, &a,
				   why, sizeof(why)),
			 0);
	assert_int_equal(a.argc, 8);
	assert_string_equal(a.argv[2], "198.18.0.2");
	assert_string_equal(a.argv[4], "11211");
	assert_string_equal(a.argv[7], "--dev=olab-d");
	assert_null(a.argv[8]);
	/* quotes group words; no shell: $, ;, | and > are bytes */
	assert_int_equal(
		try_split("sh -c 'echo $HOME; exit 3' \"a b\" c\\ d ''", &s, &a, why, sizeof(why)),
		0);
	assert_int_equal(a.argc, 6);
	assert_string_equal(a.argv[2], "echo $HOME; exit 3");
	assert_string_equal(a.argv[3], "a b");
	assert_string_equal(a.argv[4], "c d");
	assert_string_equal(a.argv[5], "");
	try_argv_line(&a, line, sizeof(line));
	assert_string_equal(line, "sh -c 'echo $HOME; exit 3' 'a b' 'c d' ''");
	/* a placeholder inside quotes is replaced too */
	assert_int_equal(try_split("x '{addr}:{port}'", &s, &a, why, sizeof(why)), 0);
	assert_string_equal(a.argv[1], "198.18.0.2:11211");
	/* the check before any value: placeholders stay */
	assert_int_equal(try_split_check("x {dev}", why, sizeof(why)), 0);
}

static void test_split_bad(void **state)
{
	static const struct {
		const char *cmd, *want;
	} bad[] = {
		{ "", "the command is empty" },
		{ "   \t ", "the command is empty" },
		{ "x 'open", "a quote (') is not closed" },
		{ "x \"open", "a quote (\") is not closed" },
		{ "x \\", "a '\\' ends the command" },
		{ "x {nope}", "unknown placeholder '{nope}'" },
		{ "x {", "unknown placeholder '{'" },
		{ "x\x01y", "a control byte 0x01" },
	};
	struct try_subst s = { "198.18.0.2", "olab-d", 7 };
	char why[200];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_not_equal(try_split(bad[i].cmd, &s, &a, why, sizeof(why)), 0);
		if (!strstr(why, bad[i].want))
			fail_msg("'%s': '%s' does not hold '%s'", bad[i].cmd, why, bad[i].want);
	}
	/* values that are not what their placeholder names are refused before use */
	s.dev = "-rf";
	assert_int_equal(try_split("x {dev}", &s, &a, why, sizeof(why)), -EINVAL);
	s.dev = "a;b";
	assert_int_equal(try_split("x {dev}", &s, &a, why, sizeof(why)), -EINVAL);
	s.dev = "olab-d";
	s.addr = "1.2.3.4; rm";
	assert_int_equal(try_split("x {addr}", &s, &a, why, sizeof(why)), -EINVAL);
	s.addr = "198.18.0.2";
	/* bounds: words and length */
	{
		static char big[TRY_CMD_MAX + 10];

		memset(big, 'x', sizeof(big) - 1);
		assert_int_equal(try_split(big, &s, &a, why, sizeof(why)), -E2BIG);
		memset(big, 0, sizeof(big));
		for (i = 0; i < TRY_ARGV_MAX + 1; i++)
			strcat(big, "a ");
		assert_int_equal(try_split(big, &s, &a, why, sizeof(why)), -E2BIG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_split_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
