// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/table_fmt.h"

void table_fmt(double v, const char *unit, char *buf, size_t len)
{
	if (isnan(v)) {
		snprintf(buf, len, "-");
		return;
	}
	if (!strcmp(unit, "ns") && fabs(v) >= 1e6)
		snprintf(buf, len, "%.2f ms", v / 1e6);
	else if (!strcmp(unit, "ns") && fabs(v) >= 1e4)
		snprintf(buf, len, "%.1f us", v / 1e3);
	else if (fabs(v) >= 100 || v == 0)
		snprintf(buf, len, "%.0f %s", v, unit);
	else
		snprintf(buf, len, "%.3g %s", v, unit);
}
