// SPDX-License-Identifier: GPL-2.0
#include <argp.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

static error_t n_parse(int key, char *arg, struct argp_state *state)
{
	uint64_t *v = state->input;

	if (key != 'n')
		return ARGP_ERR_UNKNOWN;
	*v = cli_arg_u64(state, "--n", arg, 100, 8000);
	return 0;
}

/* --n ARG through argp in a child: its exit status, what it said on stderr, the value. */
static int run_n(const char *arg, char *err, size_t len, uint64_t *v)
{
	static const struct argp_option opts[] = { { "n", 'n', "N", 0, "n", 0 }, { 0 } };
	int p[2], st = 0;
	ssize_t got;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct argp argp = { opts, n_parse, NULL, NULL, NULL, NULL, NULL };
		char *argv[] = { "t", "--n", (char *)arg, NULL };
		uint64_t val = 0;

		dup2(p[1], STDERR_FILENO);
		dup2(p[1], STDOUT_FILENO);
		argp_parse(&argp, 3, argv, 0, NULL, &val);
		printf("value %llu", (unsigned long long)val);
		fflush(stdout);
		_exit(0);
	}
	close(p[1]);
	got = read(p[0], err, len - 1);
	err[got > 0 ? got : 0] = '\0';
	close(p[0]);
	waitpid(pid, &st, 0);
	*v = 0;
	if (!strncmp(err, "value ", 6))
		*v = strtoull(err + 6, NULL, 10);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_arg_u64(void **state)
{
	char err[512];
	uint64_t v;

	(void)state;
	assert_int_equal(run_n("250", err, sizeof(err), &v), 0);
	assert_int_equal(v, 250);
	assert_int_equal(run_n("8000", err, sizeof(err), &v), 0);
	assert_int_equal(v, 8000);
	/* out of range, or not a whole decimal number: a usage error that says what it takes */
	assert_int_equal(run_n("99", err, sizeof(err), &v), 64);
	assert_non_null(strstr(err, "--n takes a whole number from 100 to 8000, not '99'"));
	assert_int_equal(run_n("1e3", err, sizeof(err), &v), 64);
	assert_non_null(strstr(err, "not '1e3'"));
	assert_int_equal(run_n("0x100", err, sizeof(err), &v), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_duration),
		cmocka_unit_test(test_arg_u64),
	};

	return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
