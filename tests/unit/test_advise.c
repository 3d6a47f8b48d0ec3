// SPDX-License-Identifier: GPL-2.0
/* The offload model: gain, break-even, bounds. */
#include <errno.h>
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
	assert_int_equal(advise_model(1.5, 1000, 1, &a), -EINVAL);
	assert_int_equal(advise_model(-0.1, 1000, 1, &a), -EINVAL);
	assert_int_equal(advise_model(0.5, 0, 1, &a), -EINVAL);
	assert_int_equal(advise_model(0.5, 1000, -1, &a), -EINVAL);
	assert_int_equal(advise_model(NAN, 1000, 1, &a), -EINVAL);
}

/* No answer that is not a finite number: an error, never an "inf" to print or drop. */
static void test_model_not_finite(void **state)
{
	struct advice a;

	(void)state;
	/* everything served at no cost: the gain has no bound */
	assert_int_equal(advise_model(1, 1000, 0, &a), -ERANGE);
	/* figures that overflow: a tiny t (a run claiming 1e308 req/s), an infinite cost */
	assert_int_equal(advise_model(0.5, 1e-302, 1e10, &a), -ERANGE);
	assert_int_equal(advise_model(0.5, 1000, INFINITY, &a), -ERANGE);
	assert_int_equal(advise_model(0.5, INFINITY, 1, &a), -ERANGE);
	/* the edges that have an answer keep it */
	assert_int_equal(advise_model(0.999, 1000, 0, &a), 0);
	assert_true(isfinite(a.gain) && a.gain > 999);
	assert_int_equal(advise_model(1, 1000, 1, &a), 0);
	assert_true(fabs(a.gain - 1000.0) < 1e-9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_model_not_finite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
