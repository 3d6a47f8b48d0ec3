// SPDX-License-Identifier: GPL-2.0
/* hooks (paper Table 1): what the experiment is, in one place. */
#include <math.h>

#include "exp/claim.h"
#include "exp/hooks/hooks_exp.h"
#include "exp/hooks/hooks_int.h"

#include "hooks.skel.h"

EXP_SKELETON(hooks)

static const char *const hooks_metrics[] = {
	"hooks.prep.*.testrun",
	"hooks.prep.*.bpfstats",
	"hooks.prep.*.bpfstats_testrun",
	"hooks.prep.skskb.live.*.*",
	"hooks.stats_cost.*",
	"hooks.reach.*.*.*",
	"hooks.from_send.*.*.*",
	"hooks.recv_latency.*.*",
	"hooks.recv_latency_skskb.*.*",
	"hooks.skskb_added.*.*",
	NULL,
};

static const struct exp_plot hooks_plots[] = {
	{ PK_BARS, "Time for a packet to reach each hook (busy reader, from XDP)",
	  "hooks.reach.*.busy", "hooks.reach.socket_skskb.*", NULL },
	{ PK_BARS, "Cost of an empty program per hook", "hooks.prep.*", NULL, NULL },
	{ 0 },
};

/* Paper Table 1 with our columns beside it (busy readers: no wake-up in the figure). */
static const struct view table1 = {
	.title = "Table 1, reach time (from XDP) and preparation cost; ours: median, live veth",
	.ncols = 7,
	.cols = { "hook", "reach:paper", "ours udp", "ours tcp", "prep:paper", "ours test-run",
		  "ours bpf-stats" },
	.nrows = 5,
	.rows = {
		{ "XDP",
		  { { .text = "0" }, { .text = "0 (origin)" }, { .text = "0 (origin)" },
		    { .id = "hooks.prep.xdp.testrun", .paper = true },
		    { .id = "hooks.prep.xdp.testrun" }, { .id = "hooks.prep.xdp.bpfstats" } } },
		{ "TC",
		  { { .id = "hooks.reach.tc.udp.busy", .paper = true },
		    { .id = "hooks.reach.tc.udp.busy" }, { .id = "hooks.reach.tc.tcp.busy" },
		    { .id = "hooks.prep.tc.testrun", .paper = true },
		    { .id = "hooks.prep.tc.testrun" }, { .id = "hooks.prep.tc.bpfstats" } } },
		{ "SK_SKB",
		  { { .id = "hooks.reach.skskb.tcp.busy", .paper = true },
		    { .id = "hooks.reach.skskb.udp.sleep" }, { .id = "hooks.reach.skskb.tcp.busy" },
		    { .id = "hooks.prep.skskb.live.tcp.busy", .paper = true },
		    { .text = "not runnable" }, { .id = "hooks.prep.skskb.bpfstats" } } },
		{ "SK_SKB+",
		  { { .text = "-" }, { .id = "hooks.skskb_added.udp.sleep" },
		    { .id = "hooks.skskb_added.tcp.busy" },
		    { .id = "hooks.skskb_added.tcp.busy", .paper = true }, { .text = "-" },
		    { .text = "-" } } },
		{ "socket",
		  { { .id = "hooks.reach.socket.udp.busy", .paper = true },
		    { .id = "hooks.reach.socket.udp.busy" }, { .id = "hooks.reach.socket.tcp.busy" },
		    { .text = "-" }, { .text = "-" }, { .text = "-" } } },
	},
	.footer = "SK_SKB reach for udp uses a sleeping reader (a busy one races the verdict); "
		  "SK_SKB+ = latency the verdict adds to recv (model; udp: sleeping reader), set "
		  "beside the paper's SK_SKB preparation cost; * = few samples or wide spread",
};

/* "about 1 us": between half a microsecond and two, over the whole CI */
static void judge_skskb(struct claim_ctx *c, const struct claim_iv *v)
{
	claim_judge(c, claim_within(v[0], 500, 2000));
	claim_why(c,
		  "an SK_SKB verdict adds %.2f us to a TCP receive here (busy reader, bootstrap "
		  "of medians); the empty program itself costs far less: the cost is the psock "
		  "machinery",
		  v[0].med / 1000.0);
}

static const struct exp_claim hooks_claims[] = {
	{ "The SK_SKB hook adds about 1 us per invocation",
	  { "hooks.skskb_added.tcp.busy" },
	  judge_skskb },
	{ 0 },
};

const struct experiment exp_hooks = {
	.name = "hooks",
	.question = "How long does a packet take to reach XDP, TC, SK_SKB and the socket, and "
		    "what does entering an empty program at each hook cost?",
	.paper = "Table 1",
	.est_quick_s = 3,
	.est_full_s = 10,
	.metrics = hooks_metrics,
	.view = &table1,
	.plots = hooks_plots,
	.claims = hooks_claims,
	.skel = EXP_SKEL(hooks),
	.priv_size = sizeof(struct caps),
	.prepare = hooks_prepare,
	.testbed = true,
	.remote = true,
	.side = &hooks_side,
	.run = hooks_run,
};
