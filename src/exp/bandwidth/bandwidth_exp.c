// SPDX-License-Identifier: GPL-2.0
/* bandwidth (paper Table 2): what the experiment is, in one place. */
#include <math.h>

#include "exp/bandwidth/bandwidth_exp.h"
#include "exp/claim.h"

static const char *const bandwidth_metrics[] = {
	"bandwidth.gbps.*",
	"bandwidth.change.*",
	NULL,
};

static const struct exp_plot bandwidth_plots[] = {
	{ PK_BARS, "TCP stream bandwidth with an empty program at each hook", "bandwidth.gbps.*",
	  NULL, NULL },
	{ PK_BARS, "Change against no program", "bandwidth.change.*", NULL, NULL },
	{ 0 },
};

static const struct view table2 = {
	.title = "Table 2, TCP bandwidth to a user-space sink with an empty program on the path",
	.ncols = 5,
	.cols = { "program", "paper", "ours", "paper change", "ours change" },
	.nrows = 4,
	.rows = {
		{ "none",
		  { { .id = "bandwidth.gbps.none", .paper = true }, { .id = "bandwidth.gbps.none" },
		    { .text = "-" }, { .text = "-" } } },
		{ "XDP",
		  { { .id = "bandwidth.gbps.xdp", .paper = true }, { .id = "bandwidth.gbps.xdp" },
		    { .id = "bandwidth.change.xdp", .paper = true },
		    { .id = "bandwidth.change.xdp" } } },
		{ "TC",
		  { { .id = "bandwidth.gbps.tc", .paper = true }, { .id = "bandwidth.gbps.tc" },
		    { .id = "bandwidth.change.tc", .paper = true }, { .id = "bandwidth.change.tc" } } },
		{ "SK_SKB",
		  { { .id = "bandwidth.gbps.skskb", .paper = true }, { .id = "bandwidth.gbps.skskb" },
		    { .id = "bandwidth.change.skskb", .paper = true },
		    { .id = "bandwidth.change.skskb" } } },
	},
	.footer = "the paper's 100 Gb/s NIC vs veth here: compare the change, not the absolute rate",
};

/* a loss of at least 7 % (half the paper's 14 %), over the whole CI */
static void judge_skskb(struct claim_ctx *c, const struct claim_iv *v)
{
	claim_judge(c, claim_within(v[0], -INFINITY, -7));
	claim_why(c, "%+.1f %% here against the stream with no program (veth, one stream)",
		  v[0].med);
}

static const struct exp_claim bandwidth_claims[] = {
	{ "An empty SK_SKB program costs a TCP stream 14 % of its bandwidth",
	  { "bandwidth.change.skskb" },
	  judge_skskb },
	{ 0 },
};

const struct experiment exp_bandwidth = {
	.name = "bandwidth",
	.question = "How much TCP bandwidth does an empty XDP, TC or SK_SKB program on the path "
		    "cost a user-space server?",
	.paper = "Table 2",
	.est_quick_s = 7,
	.est_full_s = 55,
	.metrics = bandwidth_metrics,
	.view = &table2,
	.plots = bandwidth_plots,
	.claims = bandwidth_claims,
	.testbed = true,
	.remote = true,
	.side = &bandwidth_side,
	.run = bandwidth_run,
};
