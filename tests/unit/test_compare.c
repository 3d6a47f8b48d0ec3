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
	cmp_metric(a, same, 0, &r);
	assert_int_equal(r.outcome, CMP_SAME);
	assert_true(fabs(r.change - 1.0) < 1e-9);

	cmp_metric(a, slower, 0, &r);
	assert_int_equal(r.outcome, CMP_WORSE);
	assert_true(fabs(r.change - 20.0) < 1e-9);

	cmp_metric(a, faster, 0, &r);
	assert_int_equal(r.outcome, CMP_BETTER);

	cmp_metric(rate_a, rate_b, 0, &r); /* a rate going down is the regression */
	assert_int_equal(r.outcome, CMP_WORSE);
	cmp_metric(rate_b, rate_a, 0, &r);
	assert_int_equal(r.outcome, CMP_BETTER);

	cmp_metric(pct_a, pct_b, 0, &r);
	assert_int_equal(r.outcome, CMP_CHANGED);

	cmp_metric(a, other_unit, 0, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "the units differ");

	cmp_metric(a, NULL, 0, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "only in A");
	cmp_metric(NULL, a, 0, &r);
	assert_string_equal(r.why, "only in B");

	json_object_set_new(same, "median", json_null());
	cmp_metric(a, same, 0, &r);
	assert_int_equal(r.outcome, CMP_INCOMPARABLE);
	assert_string_equal(r.why, "unavailable in B");

	/* no ci95 recorded: the IQRs decide (100 +-10 and 115 +-10 overlap) */
	json_object_del(slower, "ci95");
	json_object_set_new(slower, "median", json_real(115));
	json_object_set_new(slower, "p25", json_real(105));
	json_object_set_new(slower, "p75", json_real(125));
	json_object_del(a, "ci95");
	cmp_metric(a, slower, 0, &r);
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

static json_t *with_method(json_t *m, const char *method)
{
	json_object_set_new(m, "method", json_string(method));
	return m;
}

/*
 * Beyond the noise needs more than non-overlapping intervals: the change must exceed the
 * run-to-run floor of the method, which A/A runs on one machine show the within-run CI misses.
 */
static void test_noise_floor(void **state)
{
	struct cmp_row r;
	json_t *a = with_method(metric("ns", 100, 99, 101), "live");
	json_t *b = with_method(metric("ns", 120, 119, 121), "live"); /* +20 %, CIs apart */
	json_t *ta = with_method(metric("ns", 100, 99, 101), "test-run");
	json_t *tb = with_method(metric("ns", 160, 159, 161), "test-run"); /* +60 % */
	json_t *pa = with_method(metric("%", -2, -2.5, -1.5), "live");
	json_t *pb = with_method(metric("%", -9, -9.5, -8.5), "live"); /* 7 pp */

	(void)state;
	assert_true(cmp_noise_floor("live", "ns", -1) > 20);
	assert_true(cmp_noise_floor("test-run", "ns", -1) < 60);
	assert_true(cmp_noise_floor("live", "%", -1) > 7);
	assert_true(cmp_noise_floor("live", "ns", 5) == 5);

	cmp_metric(a, b, -1, &r); /* live: +20 % is within its floor */
	assert_int_equal(r.outcome, CMP_SAME);
	assert_true(r.floor == cmp_noise_floor("live", "ns", -1));
	cmp_metric(ta, tb, -1, &r); /* test-run: +60 % is beyond its floor */
	assert_int_equal(r.outcome, CMP_WORSE);
	cmp_metric(a, b, 10, &r); /* --noise 10 */
	assert_int_equal(r.outcome, CMP_WORSE);
	cmp_metric(pa, pb, -1, &r); /* 7 pp in a change: within the pp floor */
	assert_int_equal(r.outcome, CMP_SAME);
	cmp_metric(pa, pb, 5, &r);
	assert_int_equal(r.outcome, CMP_CHANGED);
	json_decref(a);
	json_decref(b);
	json_decref(ta);
	json_decref(tb);
	json_decref(pa);
	json_decref(pb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_direction),
		cmocka_unit_test(test_outcomes),
		cmocka_unit_test(test_noise_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
