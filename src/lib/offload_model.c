// SPDX-License-Identifier: GPL-2.0
/* The paper's break-even rule for an in-kernel fast path (lib/offload_model.h). */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "lib/offload_model.h"

static bool advice_finite(const struct advice *a)
{
	return isfinite(a->fast_ns) && isfinite(a->slow_ns) && isfinite(a->gain) &&
	       isfinite(a->breakeven_w) && isfinite(a->slow_penalty_pct);
}

int advise_model(double w, double app_ns, double cost_ns, struct advice *a)
{
	memset(a, 0, sizeof(*a));
	if (!(w >= 0 && w <= 1) || !(app_ns > 0) || !(cost_ns >= 0))
		return -EINVAL;
	a->fast_ns = cost_ns;
	a->slow_ns = cost_ns + app_ns;
	a->gain = app_ns / (cost_ns + (1 - w) * app_ns);
	a->breakeven_w = cost_ns / app_ns;
	a->slow_penalty_pct = cost_ns / app_ns * 100;
	a->pays_off = a->gain > 1;
	return advice_finite(a) ? 0 : -ERANGE;
}
