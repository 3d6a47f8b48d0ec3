// SPDX-License-Identifier: GPL-2.0
/* Run comparison: direction by unit, beyond-the-noise by interval overlap. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/compare.h"

static json_t *metric(const char *unit, double med, double lo, double hi)
{
	return json_pack("{s:s, s:s, s:s, s:f, s:f, s:f, s:[ff]}", "id", "x.y", "label", "x y",
			 "unit", unit, "median", med, "p25", med - 10, "p75", med + 10, "ci95", lo,
			 hi);
}

static void test_direction(void **state)
{
	(void)state;
	assert_int_equal(cmp_direction("ns"), CMP_LOWER_BETTER);
	assert_int_equal(cmp_direction("us"), CMP_LOWER_BETTER);
	assert_int_equal(cmp_direction("Mpps"), CMP_HIGHER_BETTER);
	assert_int_equal(cmp_direction("kreq/s"), CMP_HIGHER_BETTER);
	assert_int_equal(cmp_direction("Gb/s"), CMP_HIGHER_BETTER);
	assert_int_equal(cmp_direction("%"), CMP_NO_DIRECTION);
	assert_int_equal(cmp_direction(""), CMP_NO_DIRECTION);
	assert_int_equal(cmp_direction(NULL), CMP_NO_DIRECTION);
}

static void test_outcomes(void **state)
{
	struct cmp_row r;
	json_t *a = metric("ns", 100, 98, 102);
	json_t *same = metric("ns", 101, 99, 103);    /* intervals overlap */
	json_t *slower = metric("ns", 120, 118, 122); /* beyond the noise */
	json_t *faster = metric("ns", 80, 79, 81);
	json_t *rate_a = metric("Mpps", 10, 9.9, 10.1), *rate_b = metric("Mpps", 8, 7.9, 8.1);
	json_t *pct_a = metric("%", -2, -2.5, -1.5), *pct_b = metric("%", -10, -11, -9);
	json_t *other_unit = metric("us", 100, 98, 102);

	(void)state;
	cmp_metric(a, same, &r);
	assert_int_equal(r.outcome, CMP_SAME);
	assert_true(fabs(r.change - 1.0) < 1e-9);

	cmp_metric(a, slower, &r);
	assert_int_equal(r.outcome, CMP_WORSE);
	assert_true(fabs(r.change - 20.0) < 1e-9);

	cmp_metric(a, faster, &r);
	assert_int_equal(r.outcome, CMP_BETTER);

	cmp_metric(rate_a, rate_b, &r); /* a rate going down is the regression */
	assert_int_equal(r.outcome, CMP_WORSE);
	cmp_metric(rate_b, rate_a, &r);
	assert_int_equal(r.outcome, CMP_BETTER);

	cmp_metric(pct_a, pct_b, &r);
	assert_int_equal(r.outcome, CMP_CHANGED);

	cmp_metric(a, other_unit, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "the units differ");

	cmp_metric(a, NULL, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "only in A");
	cmp_metric(NULL, a, &r);
	assert_string_equal(r.why, "only in B");

	json_object_set_new(same, "median", json_null());
	cmp_metric(a, same, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "unavailable in B");

	/* no ci95 recorded: the IQRs decide (100 +-10 and 115 +-10 overlap) */
	json_object_del(slower, "ci95");
	json_object_set_new(slower, "median", json_real(115));
	json_object_set_new(slower, "p25", json_real(105));
	json_object_set_new(slower, "p75", json_real(125));
	json_object_del(a, "ci95");
	cmp_metric(a, slower, &r);
	assert_int_equal(r.outcome, CMP_SAME);

	json_decref(a);
	json_decref(same);
	json_decref(slower);
	json_decref(faster);
	json_decref(rate_a);
	json_decref(rate_b);
	json_decref(pct_a);
	json_decref(pct_b);
	json_decref(other_unit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_outcomes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
