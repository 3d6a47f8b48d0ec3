// SPDX-License-Identifier: GPL-2.0
/* isolation (paper Fig. 16): what the experiment is, in one place. */
#include "exp/isolation/isolation_exp.h"
#include "exp/claim.h"

static const char *const isolation_metrics[] = {
	"isolation.capacity.*",	 "isolation.lat.alone",	     "isolation.lat.*pct.*",
	"isolation.lat.*k.*",	 "isolation.lat.heaviest",   "isolation.change.heaviest",
	"isolation.lat.kvcache", "isolation.change.kvcache", NULL,
};

static const struct exp_plot isolation_plots[] = {
	{ PK_CDF, "Echo server latency beside an XDP neighbour", "isolation.lat.*",
	  "isolation.lat.heaviest", NULL },
	{ 0 },
};

static const struct view fig16 = {
	.title = "Fig. 16, a user-space echo server's median latency next to an XDP neighbour",
	.ncols = 4,
	.cols = { "neighbour", "paper", "ours", "ours change" },
	.nrows = 2,
	.rows = {
		{ "none",
		  { { .id = "isolation.lat.alone", .paper = true }, { .id = "isolation.lat.alone" },
		    { .text = "-" } } },
		{ "heaviest",
		  { { .id = "isolation.lat.heaviest", .paper = true },
		    { .id = "isolation.lat.heaviest" }, { .id = "isolation.change.heaviest" } } },
	},
	.footer = "heaviest: the largest neighbour rate and cost of the sweep (table below)",
};

/* the direction and rough size: a slowdown of at least 20 %, not three times the paper's */
static void judge_slowdown(struct claim_ctx *c, const struct claim_iv *v)
{
	claim_judge(c, claim_within(v[0], 20, 3 * ISOLATION_PAPER_CHANGE_PCT));
	claim_why(
		c,
		"median %.1f us alone, %.1f us next to the heaviest neighbour of the sweep "
		"(%+.0f %%)%s",
		v[1].med / 1e3, v[2].med / 1e3, v[0].med,
		v[0].med > 3 * ISOLATION_PAPER_CHANGE_PCT
			? ": far more than the paper, the neighbour saturates the shared CPU here "
			  "(2 cores, one receive path)"
		: v[0].med < 20 ? ": the neighbour barely disturbs the server here"
				: "");
}

static const struct exp_claim isolation_claims[] = {
	{ "An XDP-offloaded neighbour slows a plain user-space server (+54 % median)",
	  { "isolation.change.heaviest", "isolation.lat.alone", "isolation.lat.heaviest" },
	  judge_slowdown },
	{ 0 },
};

const struct experiment exp_isolation = {
	.name = "isolation",
	.question = "How much does an XDP-offloaded neighbour on the same receive path slow down "
		    "a plain user-space server?",
	.paper = "Fig. 16",
	.est_quick_s = 5,
	.est_full_s = 20,
	.metrics = isolation_metrics,
	.view = &fig16,
	.plots = isolation_plots,
	.claims = isolation_claims,
	.testbed = true,
	.remote = true,
	.side = &isolation_side,
	.run = isolation_run,
};
