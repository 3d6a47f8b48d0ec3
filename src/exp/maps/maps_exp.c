// SPDX-License-Identifier: GPL-2.0
/* maps (paper Table 3, Fig. 11-12): what the experiment is, in one place. */
#include "exp/maps/maps_exp.h"

static const char *const maps_metrics[] = {
	"maps.lookup.*",	 "maps.lookup_noinline.*",
	"maps.inline_gain.*",	 "maps.flows.parse",
	"maps.flows.*.*",	 "maps.flows_misses",
	"maps.flows_misses.*.*", "maps.flows_change.*",
	"maps.zipf.*.*",	 NULL,
};

static const struct exp_plot maps_plots[] = {
	{ PK_BARS, "Lookup cost per map type (4-byte key)", "maps.lookup.*", NULL, NULL },
	{ PK_BARS, "Lookup cost, not inlined", "maps.lookup_noinline.*", NULL, NULL },
	{ PK_LINES, "Per-flow counters against the number of flows (uniform)", "maps.flows.*.*",
	  NULL, "flows" },
	{ PK_LINES, "Per-flow counters, 100 K flows, against Zipf skew (x10)", "maps.zipf.*.*",
	  NULL, "Zipf skew x 10" },
	{ 0 },
};

const struct experiment exp_maps = {
	.name = "maps",
	.question = "What does a map lookup cost in each map type, what does the verifier's "
		    "inlining buy, and how do per-flow counters in XDP scale with the number of "
		    "flows and their skew?",
	.paper = "Table 3, Fig. 11-12",
	.est_quick_s = 15,
	.est_full_s = 55,
	.metrics = maps_metrics,
	.plots = maps_plots,
	.run = maps_run,
};
