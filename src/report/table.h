/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TABLE_H
#define OLAB_TABLE_H

#include <stdio.h>

#include "lib/results.h"

/* Format a value with its unit, switching ns to us/ms where that reads better. */
void table_fmt(double v, const char *unit, char *buf, size_t len);

/* One table per experiment: metric, ours (median [p25-p75] n), method, paper, verdict. */
void table_print(FILE *f, const struct result *r, const char *question, const char *paper);

/* The experiment's paper-shaped view, if it has one ("*": few samples or a wide spread). */
void table_print_view(FILE *f, const struct result *r);

#endif
