// SPDX-License-Identifier: GPL-2.0
/* The offload model: gain, break-even, bounds. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "advise/advise.h"

static void test_model(void **state)
{
	struct advice a;

	(void)state;
	/* half served in the kernel at no cost: twice the throughput */
	assert_int_equal(advise_model(0.5, 1000, 0, &a), 0);
	assert_true(fabs(a.gain - 2.0) < 1e-9);
	assert_true(a.pays_off);
	/* the break-even rule: c / t; at w = c / t the gain is exactly 1 */
	assert_int_equal(advise_model(0.1, 1000, 100, &a), 0);
	assert_true(fabs(a.breakeven_w - 0.1) < 1e-12);
	assert_true(fabs(a.gain - 1.0) < 1e-12);
	assert_false(a.pays_off);
	assert_int_equal(advise_model(0.11, 1000, 100, &a), 0);
	assert_true(a.pays_off);
	assert_int_equal(advise_model(0.09, 1000, 100, &a), 0);
	assert_false(a.pays_off);
	/* nothing served: only the cost remains */
	assert_int_equal(advise_model(0, 1000, 100, &a), 0);
	assert_true(fabs(a.gain - 1000.0 / 1100.0) < 1e-12);
	assert_true(fabs(a.slow_penalty_pct - 10.0) < 1e-12);
	assert_true(fabs(a.slow_ns - 1100) < 1e-9 && fabs(a.fast_ns - 100) < 1e-9);
	/* outside the model */
	assert_int_equal(advise_model(1.5, 1000, 1, &a), -1);
	assert_int_equal(advise_model(-0.1, 1000, 1, &a), -1);
	assert_int_equal(advise_model(0.5, 0, 1, &a), -1);
	assert_int_equal(advise_model(0.5, 1000, -1, &a), -1);
	assert_int_equal(advise_model(NAN, 1000, 1, &a), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_model) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
