// SPDX-License-Identifier: GPL-2.0
/* chain (paper Table 5): what the experiment is, in one place. */
#include "exp/chain/chain_exp.h"

#include "chain.skel.h"

EXP_SKELETON(chain)

static const char *const chain_metrics[] = {
	/* per packet: the variant, then the stages after the first */
	"chain.tail_const.*", "chain.tail_var.*",      "chain.bpf2bpf.*",
	"chain.global.*",     "chain.inlined.*",       "chain.per_call.*",
	"chain.kvcache.*",    "chain.kvcache_mreqs.*", NULL,
};

static const struct exp_plot chain_plots[] = {
	{ PK_BARS, "Cost per chained call", "chain.per_call.*", NULL, NULL },
	{ PK_LINES, "Per packet against the stages chained", "chain.*.*", "chain.per_call.*",
	  "stages after the first" },
	{ 0 },
};

const struct experiment exp_chain = {
	.name = "chain",
	.question = "What does chaining programs cost per call: tail calls with a constant or a "
		    "run-time index, BPF-to-BPF calls, global functions, against inlining?",
	.paper = "Table 5",
	.est_quick_s = 3,
	.est_full_s = 26,
	.metrics = chain_metrics,
	.plots = chain_plots,
	.skel = EXP_SKEL(chain),
	.run = chain_run,
};
