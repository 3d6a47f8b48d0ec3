/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TABLE_H
#define OLAB_TABLE_H

#include <stdio.h>

#include "lib/results.h"

/* One table per experiment: metric, ours (median [p25-p75] n), method, paper, verdict. */
void table_print(FILE *f, const struct result *r, const char *question, const char *paper);

#endif
