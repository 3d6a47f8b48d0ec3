// SPDX-License-Identifier: GPL-2.0
/* preproc (paper Fig. 10): what the experiment is, in one place. */
#include <math.h>

#include "exp/preproc/preproc_exp.h"
#include "exp/claim.h"

static const char *const preproc_metrics[] = {
	"preproc.kpps.*", "preproc.gain.*", "preproc.best_gain", "preproc.offered", NULL,
};

static const struct exp_plot preproc_plots[] = {
	{ PK_LINES, "Sink throughput against the share of each packet cut in XDP", "preproc.kpps.*",
	  NULL, "payload cut (%)" },
	{ 0 },
};

static const struct view fig10 = {
	.title = "Fig. 10, sink throughput when XDP truncates 1458 B payloads first",
	.ncols = 4,
	.cols = { "cut", "ours kpps", "ours gain", "paper" },
	.nrows = 4,
	.rows = {
		{ "0 %", { { .id = "preproc.kpps.0" }, { .text = "-" }, { .text = "-" } } },
		{ "50 %",
		  { { .id = "preproc.kpps.50" }, { .id = "preproc.gain.50" }, { .text = "-" } } },
		{ "100 %",
		  { { .id = "preproc.kpps.100" }, { .id = "preproc.gain.100" }, { .text = "-" } } },
		{ "best",
		  { { .text = "" }, { .id = "preproc.best_gain" },
		    { .id = "preproc.best_gain", .paper = true } } },
	},
	.footer = "gain: sink throughput against the uncut run of the same round",
};

/* "at most 2.8 %": judged as no gain above 10 % over the whole CI */
static void judge_gain(struct claim_ctx *c, const struct claim_iv *v)
{
	claim_judge(c, claim_within(v[0], -INFINITY, 10));
	claim_why(c,
		  "best gain over the sweep: %+.1f %% (veth: the sink shares its CPU with the "
		  "stack, see the table)",
		  v[0].med);
}

static const struct exp_claim preproc_claims[] = {
	{ "Pre-processing (truncation) in XDP raises a sink's throughput by at most 2.8 %",
	  { "preproc.best_gain" },
	  judge_gain },
	{ 0 },
};

const struct experiment exp_preproc = {
	.name = "preproc",
	.question = "Does truncating datagrams in XDP before the stack raise a user-space sink's "
		    "throughput, and by how much?",
	.paper = "Fig. 10",
	.est_quick_s = 3,
	.est_full_s = 40,
	.metrics = preproc_metrics,
	.view = &fig10,
	.plots = preproc_plots,
	.claims = preproc_claims,
	.testbed = true,
	.remote = true,
	.side = &preproc_side,
	.run = preproc_run,
};
