// SPDX-License-Identifier: GPL-2.0
/* kv (paper Fig. 4-6): what the experiment is, in one place. */
#include <math.h>
#include <stdbool.h>

#include "exp/kv/kv_exp.h"
#include "exp/claim.h"

static const char *const kv_metrics[] = {
	"kv.cost.*.testrun",
	"kv.cost.*.live",
	"kv.tput.*",
	"kv.gen.ceiling*",
	"kv.busy.dut.*",
	"kv.capacity.*",
	"kv.lat.*.*",
	"kv.slowpath_penalty",
	"kv.slowpath_penalty.cured",
	"kv.cure.cpu",
	"kv.switches.*",
	"kv.wake.*.*",
	"kv.sweeplat.*.*",
	"kv.sweep.*.*",
	"kv.breakeven.*",
	NULL,
};

static const struct exp_plot kv_plots[] = {
	/* kv.tput.ratio*, kv.tput.vs_ceiling*: ratios, not throughputs */
	{ PK_BARS,
	  "GET throughput: memcached alone, with the kvcache, an XDP_TX responder (ceiling)",
	  "kv.tput.*", "kv.tput.[rv]*", NULL },
	{ PK_BARS, "Cost per path of the kvcache's programs, and the control", "kv.cost.*", NULL,
	  NULL },
	{ PK_CDF, "Wake-up latency of memcached's worker and the dut's NAPI thread", "kv.wake.*",
	  NULL, NULL },
	{ PK_CDF, "Latency of the cacheable and the uncacheable flow", "kv.lat.*", NULL, NULL },
	{ PK_LINES, "Throughput gain against the cacheable share w: measured and model",
	  "kv.sweep.*.*", NULL, "w: cacheable share (%)" },
	{ PK_LINES, "Latency per path against the cacheable share w (closed loop)",
	  "kv.sweeplat.*.*", NULL, "w: cacheable share (%)" },
	{ 0 },
};

/*
 * The gain, or where the generator was the limit its lower bound (a lower bound below the
 * claim says nothing against it), judged as at least 70 % of the paper's 2.5x.
 */
static void judge_gain(struct claim_ctx *c, const struct claim_iv *v)
{
	struct claim_iv a = v[0];
	bool atleast = isnan(a.med);
	enum tri t;

	if (atleast) {
		if (isnan(v[1].med)) {
			claim_missing(c, "kv.tput.ratio");
			return;
		}
		a = v[1];
	}
	t = claim_within(a, KV_PAPER_TPUT_RATIO * 0.7, INFINITY);
	claim_judge(c, atleast && t != T_YES ? T_MAYBE : t);
	claim_why(c,
		  "%s%.2fx single-key GET throughput with the XDP cache in front of one memcached "
		  "thread%s; requests it cannot serve pay %+.0f %% median latency (paper %+d %%)",
		  atleast ? "at least " : "", a.med,
		  atleast ? " (the generator was the limit)" : "", v[2].med, KV_PAPER_SLOWPATH_PCT);
}

static const struct exp_claim kv_claims[] = {
	{ "Partial offloading yields a 2.5x throughput boost for a key-value store",
	  { "?kv.tput.ratio", "?kv.tput.ratio.atleast", "kv.slowpath_penalty" },
	  judge_gain },
	{ 0 },
};

const struct experiment exp_kv = {
	.name = "kv",
	.question = "How much does an XDP cache in front of memcached raise GET throughput, and "
		    "what does it cost the requests it cannot serve?",
	.paper = "Fig. 4-6",
	.est_quick_s = 27,
	.est_full_s = 75,
	.metrics = kv_metrics,
	.plots = kv_plots,
	.claims = kv_claims,
	.testbed = true,
	.remote = true,
	.side = &kv_side,
	.run = kv_run,
};
