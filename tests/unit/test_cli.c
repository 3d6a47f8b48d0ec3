// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/cli.h"

static void test_parse_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cli_parse_u64("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	/* decimal only: never read as hex or octal */
	assert_int_equal(cli_parse_u64("0x10", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("010", 0, 100, &v), 0);
	assert_int_equal(v, 10);
	assert_int_equal(cli_parse_u64("101", 0, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_u64("5", 10, 100, &v), -ERANGE);
	assert_int_equal(cli_parse_u64("12abc", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("-1", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_u64(" 1", 0, 100, &v), -EINVAL);
	assert_int_equal(cli_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cli_parse_u64(NULL, 0, 100, &v), -EINVAL);
}

static void test_parse_duration(void **state)
{
	uint64_t ns = 0;

	(void)state;
	assert_int_equal(cli_parse_duration_ns("3", &ns), 0);
	assert_int_equal(ns, 3000000000ULL);
	assert_int_equal(cli_parse_duration_ns("500ms", &ns), 0);
	assert_int_equal(ns, 500000000ULL);
	assert_int_equal(cli_parse_duration_ns("2m", &ns), 0);
	assert_int_equal(ns, 120000000000ULL);
	assert_int_equal(cli_parse_duration_ns("7us", &ns), 0);
	assert_int_equal(ns, 7000);
	assert_int_equal(cli_parse_duration_ns("5h", &ns), -EINVAL);
	assert_int_equal(cli_parse_duration_ns("ms", &ns), -EINVAL);
	assert_int_equal(cli_parse_duration_ns("99999999999999999999m", &ns), -ERANGE);
	assert_int_equal(cli_parse_duration_ns("300000000000m", &ns), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_duration),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
