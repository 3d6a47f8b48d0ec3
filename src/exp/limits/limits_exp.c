// SPDX-License-Identifier: GPL-2.0
/* limits (paper sections 2 and 6): what the experiment is, in one place. */
#include "exp/limits/limits_exp.h"
#include "exp/claim.h"

static const char *const limits_metrics[] = {
	"limits.insn_budget", "limits.loop_iters",  "limits.prog_insns",	"limits.stack",
	"limits.hash_key",    "limits.hash_value",  "limits.array_value",	"limits.bpf_loop",
	"limits.tail_calls",  "limits.sleepable.*", "limits.blocking_helper.*", NULL,
};

/* "block": judged on the hard one, no sleeping or blocking call at the networking hooks */
static void judge_limits(struct claim_ctx *c, const struct claim_iv *v)
{
	claim_judge(c, v[3].med == 0 ? T_YES : T_NO);
	claim_why(c,
		  "found by loading programs here: %.0f processed instructions, %.0f B of stack, "
		  "%.0f tail calls in a row, and %s",
		  v[0].med, v[1].med, v[2].med,
		  v[3].med == 0 ? "no sleeping or blocking call at XDP, TC or SK_SKB"
				: "a helper that may sleep was accepted at XDP");
}

static const struct exp_claim limits_claims[] = {
	{ "Runtime and verifier limits block complex applications",
	  { "limits.insn_budget", "limits.stack", "limits.tail_calls",
	    "limits.blocking_helper.xdp" },
	  judge_limits },
	{ 0 },
};

const struct experiment exp_limits = {
	.name = "limits",
	.question = "What do this kernel's verifier and runtime refuse: instruction budget, loop "
		    "length, program size, stack, bpf_loop, tail calls, map sizes, sleeping at "
		    "the hooks?",
	.paper = "sec. 2, 6",
	.est_quick_s = 5,
	.est_full_s = 8,
	.metrics = limits_metrics,
	.claims = limits_claims,
	.run = limits_run,
};
