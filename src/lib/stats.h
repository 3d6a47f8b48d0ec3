/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_STATS_H
#define OLAB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Log-linear histogram of non-negative integers (HDR style): values below 256 are exact,
 * above that each power of two is split into 128 linear buckets, so a bucket is at most
 * 1/128 (0.78 %) of its lower bound wide and the reported midpoint is within 0.4 %.
 */
#define STATS_HIST_SUB_BITS 8
#define STATS_HIST_BUCKETS (256 + 56 * 128)

struct stats_hist {
	uint64_t count[STATS_HIST_BUCKETS];
	uint64_t n;
	uint64_t min;
	uint64_t max;
	double sum;
};

/* Raw samples, for the common case of up to a few hundred thousand values. */
struct stats_samples {
	double *v;
	size_t n;
	size_t cap;
};

struct stats_summary {
	uint64_t n;
	double min, max, mean;
	double p25, p50, p75, p90, p99, p999;
	double ci_lo, ci_hi; /* 95 % confidence interval of the median */
};

void stats_hist_init(struct stats_hist *h);
void stats_hist_add(struct stats_hist *h, uint64_t v);
/* Add every sample of h to into (runs pooled into one distribution). */
void stats_hist_merge(struct stats_hist *into, const struct stats_hist *h);
size_t stats_hist_index(uint64_t v);
/* Lower bound and width of bucket i. */
void stats_hist_bucket(size_t i, uint64_t *lo, uint64_t *width);
/* Value at quantile q in [0, 1]: the midpoint of the bucket holding rank ceil(q * n). */
double stats_hist_quantile(const struct stats_hist *h, double q);
void stats_hist_summary(const struct stats_hist *h, struct stats_summary *s);

void stats_samples_init(struct stats_samples *s);
int stats_samples_add(struct stats_samples *s, double v);
void stats_samples_free(struct stats_samples *s);
/* Sorts s->v in place. An empty set gives n = 0 and NaNs. */
void stats_samples_summary(struct stats_samples *s, struct stats_summary *out);

/*
 * Ranks (1-based, inclusive) of the order-statistic 95 % confidence interval of the median of
 * n samples (normal approximation to the binomial; the whole range when n < 6).
 */
void stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi);

/*
 * The repeated-batch check: timing 2N iterations should take twice as long as N.
 * Returns true when t_2n / t_n is within 2 * (1 +- tol).
 */
bool stats_linear(double t_n, double t_2n, double tol);

/*
 * Bootstrap the difference of medians, median(b) - median(a), of two independent sample sets:
 * `iters` resamples with replacement (fixed seed, so a run is repeatable) go into out.
 */
int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb, int iters,
				uint64_t seed, struct stats_samples *out);

/* A spread too wide to trust: IQR larger than frac times the median. */
bool stats_too_wide(const struct stats_summary *s, double frac);

#endif
