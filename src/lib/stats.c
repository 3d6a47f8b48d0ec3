// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/stats.h"
#include "lib/util.h"

#define SUB_HALF 128 /* linear buckets per power of two above the exact range */

void stats_hist_init(struct stats_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

size_t stats_hist_index(uint64_t v)
{
	unsigned int msb, shift;

	if (v < 256)
		return (size_t)v;
	msb = 63 - (unsigned int)__builtin_clzll(v);
	shift = msb - 7; /* v >> shift is in [128, 255] */
	return 256 + (size_t)(shift - 1) * SUB_HALF + (size_t)((v >> shift) - SUB_HALF);
}

void stats_hist_bucket(size_t i, uint64_t *lo, uint64_t *width)
{
	size_t shift, sub;

	if (i < 256) {
		*lo = i;
		*width = 1;
		return;
	}
	shift = (i - 256) / SUB_HALF + 1;
	sub = (i - 256) % SUB_HALF + SUB_HALF;
	*lo = (uint64_t)sub << shift;
	*width = (uint64_t)1 << shift;
}

void stats_hist_add(struct stats_hist *h, uint64_t v)
{
	h->count[stats_hist_index(v)]++;
	h->n++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void stats_hist_merge(struct stats_hist *into, const struct stats_hist *h)
{
	size_t i;

	for (i = 0; i < STATS_HIST_BUCKETS; i++)
		into->count[i] += h->count[i];
	if (h->n && (!into->n || h->min < into->min))
		into->min = h->min;
	if (h->max > into->max)
		into->max = h->max;
	into->n += h->n;
	into->sum += h->sum;
}

static double bucket_value(size_t i)
{
	uint64_t lo, width;

	stats_hist_bucket(i, &lo, &width);
	return width == 1 ? (double)lo : (double)lo + (double)(width - 1) / 2.0;
}

/* Value at 1-based rank r. */
static double hist_rank(const struct stats_hist *h, uint64_t r)
{
	uint64_t cum = 0;
	size_t i;

	if (r <= 1)
		return (double)h->min;
	if (r >= h->n)
		return (double)h->max;
	for (i = 0; i < STATS_HIST_BUCKETS; i++) {
		cum += h->count[i];
		if (cum >= r) {
			double v = bucket_value(i);

			/* the extremes are known exactly; never report beyond them */
			if (v < (double)h->min)
				v = (double)h->min;
			if (v > (double)h->max)
				v = (double)h->max;
			return v;
		}
	}
	return (double)h->max;
}

double stats_hist_quantile(const struct stats_hist *h, double q)
{
	if (!h->n)
		return NAN;
	if (q <= 0)
		return (double)h->min;
	return hist_rank(h, (uint64_t)ceil(q * (double)h->n));
}

void stats_median_ci_ranks(size_t n, size_t *lo, size_t *hi)
{
	double half = 1.96 * sqrt((double)n) / 2.0;
	double l = floor((double)n / 2.0 - half);
	double u = ceil((double)n / 2.0 + 1.0 + half);

	if (n < 6 || l < 1)
		l = 1;
	if (n < 6 || u > (double)n)
		u = (double)n;
	*lo = (size_t)l;
	*hi = (size_t)u;
}

void stats_hist_summary(const struct stats_hist *h, struct stats_summary *s)
{
	size_t lo, hi;

	memset(s, 0, sizeof(*s));
	s->n = h->n;
	if (!h->n) {
		s->min = s->max = s->mean = s->p25 = s->p50 = s->p75 = NAN;
		s->p90 = s->p99 = s->p999 = s->ci_lo = s->ci_hi = NAN;
		return;
	}
	s->min = (double)h->min;
	s->max = (double)h->max;
	s->mean = h->sum / (double)h->n;
	s->p25 = stats_hist_quantile(h, 0.25);
	s->p50 = stats_hist_quantile(h, 0.50);
	s->p75 = stats_hist_quantile(h, 0.75);
	s->p90 = stats_hist_quantile(h, 0.90);
	s->p99 = stats_hist_quantile(h, 0.99);
	s->p999 = stats_hist_quantile(h, 0.999);
	stats_median_ci_ranks(h->n, &lo, &hi);
	s->ci_lo = hist_rank(h, lo);
	s->ci_hi = hist_rank(h, hi);
}

void stats_samples_init(struct stats_samples *s)
{
	memset(s, 0, sizeof(*s));
}

int stats_samples_add(struct stats_samples *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

void stats_samples_free(struct stats_samples *s)
{
	free(s->v);
	stats_samples_init(s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile of sorted values with linear interpolation between closest ranks. */
static double stats_quantile_sorted(const double *v, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (!n)
		return NAN;
	if (q <= 0)
		return v[0];
	if (q >= 1)
		return v[n - 1];
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + frac * (v[i + 1] - v[i]);
}

void stats_samples_summary(struct stats_samples *s, struct stats_summary *out)
{
	size_t i, lo, hi;
	double sum = 0;

	memset(out, 0, sizeof(*out));
	out->n = s->n;
	if (!s->n) {
		out->min = out->max = out->mean = out->p25 = out->p50 = out->p75 = NAN;
		out->p90 = out->p99 = out->p999 = out->ci_lo = out->ci_hi = NAN;
		return;
	}
	qsort(s->v, s->n, sizeof(double), cmp_double);
	for (i = 0; i < s->n; i++)
		sum += s->v[i];
	out->min = s->v[0];
	out->max = s->v[s->n - 1];
	out->mean = sum / (double)s->n;
	out->p25 = stats_quantile_sorted(s->v, s->n, 0.25);
	out->p50 = stats_quantile_sorted(s->v, s->n, 0.50);
	out->p75 = stats_quantile_sorted(s->v, s->n, 0.75);
	out->p90 = stats_quantile_sorted(s->v, s->n, 0.90);
	out->p99 = stats_quantile_sorted(s->v, s->n, 0.99);
	out->p999 = stats_quantile_sorted(s->v, s->n, 0.999);
	stats_median_ci_ranks(s->n, &lo, &hi);
	out->ci_lo = s->v[lo - 1];
	out->ci_hi = s->v[hi - 1];
}

bool stats_linear(double t_n, double t_2n, double tol)
{
	double r;

	if (!(t_n > 0) || !(t_2n > 0))
		return false;
	r = t_2n / t_n;
	return r >= 2.0 * (1.0 - tol) && r <= 2.0 * (1.0 + tol);
}

bool stats_too_wide(const struct stats_summary *s, double frac)
{
	if (!s->n || !(s->p50 > 0))
		return false;
	return (s->p75 - s->p25) > frac * s->p50;
}

static double resampled_median(const double *v, size_t n, double *tmp, uint64_t *rng)
{
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = v[olab_rng(rng) % n];
	qsort(tmp, n, sizeof(double), cmp_double);
	return stats_quantile_sorted(tmp, n, 0.5);
}

int stats_bootstrap_median_diff(const double *a, size_t na, const double *b, size_t nb, int iters,
				uint64_t seed, struct stats_samples *out)
{
	double *tmp;
	uint64_t rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
	int i, err = 0;

	if (!na || !nb)
		return -EINVAL;
	tmp = malloc((na > nb ? na : nb) * sizeof(double));
	if (!tmp)
		return -ENOMEM;
	for (i = 0; i < iters && !err; i++) {
		double mb = resampled_median(b, nb, tmp, &rng);
		double ma = resampled_median(a, na, tmp, &rng);

		err = stats_samples_add(out, mb - ma);
	}
	free(tmp);
	return err;
}
