// SPDX-License-Identifier: GPL-2.0
/* kv-afxdp (paper Fig. 7-9): what the experiment is, in one place. */
#include <math.h>
#include <stdbool.h>

#include "exp/claim.h"
#include "exp/kv/afxdp/kv_afxdp_exp.h"
#include "exp/kv/kv_exp.h"

static const char *const kv_afxdp_metrics[] = {
	"kv_afxdp.gain.*",
	"kv_afxdp.slowpath",
	"kv_afxdp.tput.*",
	"kv_afxdp.gen.ceiling",
	"kv_afxdp.busy.dut.*",
	"kv_afxdp.lat.*.*",
	NULL,
};

static const struct exp_plot kv_afxdp_plots[] = {
	{ PK_BARS,
	  "GET throughput: memcached, the AF_XDP server, the same with the kvcache, the "
	  "ceiling",
	  "kv_afxdp.tput.*", NULL, NULL },
	{ PK_CDF, "Latency of the uncacheable flow per server", "kv_afxdp.lat.miss.*", NULL, NULL },
	{ PK_CDF, "Latency of the cacheable flow per server", "kv_afxdp.lat.hit.*", NULL, NULL },
	{ 0 },
};

/* "little": under 1.5x; both figures limited by the generator decide nothing */
static void judge_little(struct claim_ctx *c, const struct claim_iv *v)
{
	bool genbound = claim_has_flag(c, "kv_afxdp.tput.afxdp", "generator-bound") ||
			claim_has_flag(c, "kv_afxdp.tput.afxdp_cache", "generator-bound");

	claim_judge(c, genbound ? T_MAYBE : claim_within(v[0], 0, 1.5));
	claim_why(c,
		  "the kvcache in front of the AF_XDP server: %.2fx its throughput (paper %.2fx); "
		  "the AF_XDP server alone: %.2fx memcached's (paper %.2fx)%s",
		  v[0].med, KV_AFXDP_PAPER_GAIN_CACHE, v[1].med, KV_AFXDP_PAPER_GAIN_AFXDP,
		  genbound ? "; the generator was the limit of both servers' throughput here, so "
			     "their ratio decides nothing"
			   : "");
}

static const struct exp_claim kv_afxdp_claims[] = {
	{ "Once the server's own path is fast (AF_XDP), a kernel fast path in front buys little "
	  "(+12 %)",
	  { "kv_afxdp.gain.cache", "kv_afxdp.gain.afxdp", "?kv_afxdp.tput.afxdp",
	    "?kv_afxdp.tput.afxdp_cache" },
	  judge_little },
	{ 0 },
};

const struct experiment exp_kv_afxdp = {
	.name = "kv-afxdp",
	.question = "With the key-value server itself on AF_XDP, what does the same XDP cache in "
		    "front still buy, in throughput and for the requests it cannot serve?",
	.paper = "Fig. 7-9",
	.est_quick_s = 25,
	.est_full_s = 50,
	.metrics = kv_afxdp_metrics,
	.plots = kv_afxdp_plots,
	.claims = kv_afxdp_claims,
	.testbed = true,
	.remote = true,
	.side = &kv_side,
	.run = kv_afxdp_run,
};
