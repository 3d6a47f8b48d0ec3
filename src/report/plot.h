/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PLOT_H
#define OLAB_PLOT_H

#include <jansson.h>

/*
 * gnuplot (SVG terminal) plots of result metrics. Each returns a malloc'd SVG element to
 * inline in a page, or NULL (nothing to plot, or gnuplot missing: the caller says so).
 */

/* Bars of the medians with p25-p75 error bars, and the paper's value beside each. */
char *plot_bars(const char *title, json_t **metrics, int n);
/* Latency CDFs from the metrics' "cdf" arrays, log x. */
char *plot_cdf(const char *title, json_t **metrics, int n);
/* Medians (p25-p75 bars) against x, e.g. a sweep. */
char *plot_lines(const char *title, const char *xlabel, const double *x, json_t **metrics, int n);

/* Whether gnuplot can be run at all. */
int plot_available(void);

#endif
