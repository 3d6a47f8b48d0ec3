// SPDX-License-Identifier: GPL-2.0
/*
 * isolation's neighbour clients keep a pace: a burst a period, fractions carried over, and
 * never the missed bursts back to back after falling behind (a real-time thread catching up
 * held the load generator's CPU).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "exp/isolation/isolation_int.h"

/* on time: the rate asked, fractions carried to later bursts */
static void test_on_time(void **state)
{
	uint64_t next = 1000000, now = next;
	unsigned int i, total = 0;
	double credit = 0;

	(void)state;
	for (i = 0; i < 1000; i++) {
		unsigned int n = iso_pace(now, &next, &credit, 85.2);

		assert_true(n == 85 || n == 86);
		total += n;
		assert_int_equal(next, now + PERIOD_NS);
		now = next;
	}
	assert_int_equal(total, 85200);
}

/* flat out (0): 256 a burst */
static void test_flat_out(void **state)
{
	uint64_t next = 0;
	double credit = 0;

	(void)state;
	assert_int_equal(iso_pace(0, &next, &credit, 0), 256);
	assert_int_equal(iso_pace(next, &next, &credit, 0), 256);
}

/* late by ten periods: one burst of the rate, the next deadline a period from now, no backlog */
static void test_no_catch_up(void **state)
{
	uint64_t next = 1000000, now = next + 10 * PERIOD_NS;
	double credit = 0;

	(void)state;
	assert_int_equal(iso_pace(next, &next, &credit, 85.2), 85);
	assert_int_equal(iso_pace(now, &next, &credit, 85.2), 85);
	assert_int_equal(next, now + PERIOD_NS);
	/* the next burst on time is the rate again, not the missed load */
	assert_int_equal(iso_pace(next, &next, &credit, 85.2), 85);
}

/* late by less than a period: the pace holds (the deadline stays on the grid) */
static void test_small_lag_keeps_grid(void **state)
{
	uint64_t next = 1000000, start = next;
	double credit = 0;

	(void)state;
	iso_pace(next + PERIOD_NS / 2, &next, &credit, 10);
	assert_int_equal(next, start + PERIOD_NS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_time),
		cmocka_unit_test(test_flat_out),
		cmocka_unit_test(test_no_catch_up),
		cmocka_unit_test(test_small_lag_keeps_grid),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
