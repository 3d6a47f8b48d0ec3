// SPDX-License-Identifier: GPL-2.0
/* Statistics against distributions whose answers are known. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/stats.h"
#include "lib/util.h"

/* A small deterministic generator (xorshift64*), so every run sees the same numbers. */
static uint64_t rng_state;

static double urand(void)
{
	return olab_rng_unit(&rng_state);
}

static double nrand(void)
{
	double u1 = urand(), u2 = urand();

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static void test_hist_buckets_cover_and_bound_error(void **state)
{
	uint64_t v, lo, width;
	size_t i, prev = 0;

	(void)state;
	for (v = 0; v < 2000000; v += (v < 1000 ? 1 : v / 97)) {
		i = stats_hist_index(v);
		assert_true(i < STATS_HIST_BUCKETS);
		assert_true(i >= prev); /* monotonic */
		prev = i;
		stats_hist_bucket(i, &lo, &width);
		assert_true(v >= lo && v < lo + width);
		if (lo >= 256)
			assert_true((double)width / (double)lo <= 1.0 / 128.0 + 1e-12);
	}
	/* the largest values still land inside the table */
	i = stats_hist_index(UINT64_MAX);
	assert_int_equal(i, STATS_HIST_BUCKETS - 1);
	stats_hist_bucket(i, &lo, &width);
	assert_true(UINT64_MAX >= lo && UINT64_MAX - lo < width);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Exponential latencies (mean 20 us): histogram quantiles within 1 % of the exact ones. */
static void test_hist_quantiles_match_exact(void **state)
{
	static const double qs[] = { 0.25, 0.5, 0.75, 0.9, 0.99, 0.999 };
	static struct stats_hist h;
	size_t n = 200000, i;
	double *v = malloc(n * sizeof(*v));
	struct stats_summary s;

	(void)state;
	assert_non_null(v);
	rng_state = 42;
	stats_hist_init(&h);
	for (i = 0; i < n; i++) {
		v[i] = floor(-20000.0 * log(1.0 - urand())) + 300;
		stats_hist_add(&h, (uint64_t)v[i]);
	}
	qsort(v, n, sizeof(*v), cmp_d);
	for (i = 0; i < ARRAY_SIZE(qs); i++) {
		double exact = v[(size_t)ceil(qs[i] * (double)n) - 1];
		double got = stats_hist_quantile(&h, qs[i]);

		assert_true(fabs(got - exact) <= 0.01 * exact);
	}
	/* and the distribution's own median, ln 2 * mean, within sampling error */
	stats_hist_summary(&h, &s);
	assert_true(fabs(s.p50 - (20000.0 * M_LN2 + 300)) < 0.02 * (20000.0 * M_LN2 + 300));
	assert_true(s.ci_lo <= s.p50 && s.p50 <= s.ci_hi);
	assert_int_equal(s.n, n);
	assert_true(s.min == v[0] && s.max == v[n - 1]);
	free(v);
}

static void test_samples_summary_exact(void **state)
{
	struct stats_samples s;
	struct stats_summary sum;
	int i;

	(void)state;
	stats_samples_init(&s);
	for (i = 101; i >= 1; i--) /* unsorted on purpose */
		assert_int_equal(stats_samples_add(&s, i), 0);
	stats_samples_summary(&s, &sum);
	assert_int_equal(sum.n, 101);
	assert_true(sum.p50 == 51.0);
	assert_true(sum.p25 == 26.0);
	assert_true(sum.p75 == 76.0);
	assert_true(sum.p90 == 91.0);
	assert_true(sum.min == 1.0 && sum.max == 101.0);
	assert_true(fabs(sum.mean - 51.0) < 1e-9);
	assert_true(sum.ci_lo < 51.0 && sum.ci_hi > 51.0);
	/* 95 % CI of the median of 101 samples: about +-10 ranks */
	assert_true(sum.ci_lo >= 38.0 && sum.ci_lo <= 44.0);
	assert_true(sum.ci_hi >= 58.0 && sum.ci_hi <= 64.0);
	stats_samples_free(&s);

	stats_samples_summary(&s, &sum);
	assert_int_equal(sum.n, 0);
	assert_true(isnan(sum.p50));
}

/* The median's 95 % interval must hold the true median about 95 % of the time. */
static void test_median_ci_coverage(void **state)
{
	int trials = 1000, hit = 0, t, i;
	struct stats_samples s;
	struct stats_summary sum;

	(void)state;
	rng_state = 7;
	stats_samples_init(&s);
	for (t = 0; t < trials; t++) {
		s.n = 0;
		for (i = 0; i < 200; i++)
			stats_samples_add(&s, 100.0 + 15.0 * nrand());
		stats_samples_summary(&s, &sum);
		if (sum.ci_lo <= 100.0 && 100.0 <= sum.ci_hi)
			hit++;
	}
	stats_samples_free(&s);
	assert_true(hit >= 920 && hit <= 985);
}

static void test_ci_ranks_small_and_large(void **state)
{
	size_t lo, hi;

	(void)state;
	stats_median_ci_ranks(3, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 3);
	stats_median_ci_ranks(10000, &lo, &hi);
	assert_true(lo >= 4890 && lo <= 4905);
	assert_true(hi >= 5095 && hi <= 5110);
}

static void test_linearity_and_width_checks(void **state)
{
	struct stats_summary s = { .n = 10, .p25 = 90, .p50 = 100, .p75 = 110 };

	(void)state;
	assert_true(stats_linear(100, 200, 0.1));
	assert_true(stats_linear(100, 215, 0.1));
	assert_false(stats_linear(100, 260, 0.1));
	assert_false(stats_linear(100, 140, 0.1));
	assert_false(stats_linear(0, 100, 0.1));
	assert_false(stats_too_wide(&s, 0.5));
	s.p75 = 160;
	assert_true(stats_too_wide(&s, 0.5));
}

/* Two runs merged are the same distribution as one run of all their samples. */
static void test_hist_merge_pools(void **state)
{
	static struct stats_hist a, b, all;
	uint64_t v;

	(void)state;
	stats_hist_init(&a);
	stats_hist_init(&b);
	stats_hist_init(&all);
	for (v = 1000; v < 50000; v += 7) {
		stats_hist_add(v % 3 ? &a : &b, v);
		stats_hist_add(&all, v);
	}
	stats_hist_merge(&a, &b);
	assert_int_equal(a.n, all.n);
	assert_int_equal(a.min, all.min);
	assert_int_equal(a.max, all.max);
	assert_true(a.sum == all.sum);
	assert_memory_equal(a.count, all.count, sizeof(a.count));
	/* into an empty one: min comes from the first non-empty */
	stats_hist_init(&b);
	stats_hist_merge(&b, &all);
	assert_int_equal(b.min, all.min);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_buckets_cover_and_bound_error),
		cmocka_unit_test(test_hist_merge_pools),
		cmocka_unit_test(test_hist_quantiles_match_exact),
		cmocka_unit_test(test_samples_summary_exact),
		cmocka_unit_test(test_median_ci_coverage),
		cmocka_unit_test(test_ci_ranks_small_and_large),
		cmocka_unit_test(test_linearity_and_width_checks),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
