// SPDX-License-Identifier: GPL-2.0
/* jit (paper Fig. 14): what the experiment is, in one place. */
#include "exp/jit/jit_exp.h"

#include "jit.skel.h"

EXP_SKELETON(jit)

static const char *const jit_metrics[] = {
	"jit.fib.*.*",
	"jit.sum.*.*",
	"jit.loop_insns.*",
	NULL,
};

static const struct exp_plot jit_plots[] = {
	{ PK_LINES, "Fibonacci: BPF (JIT) and native, per computation", "jit.fib.*.*",
	  "jit.fib.gap.*", "n" },
	{ PK_LINES, "Sum of the first 64 B, X times: BPF (JIT) and native", "jit.sum.*.*",
	  "jit.sum.gap.*", "X" },
	{ PK_BARS, "x86 instructions per iteration of the X loop", "jit.loop_insns.*", NULL, NULL },
	{ 0 },
};

const struct experiment exp_jit = {
	.name = "jit",
	.question = "How much slower is the same C as JIT-compiled BPF than as native code, for "
		    "compute and for memory access, and how many more instructions does the JIT "
		    "emit?",
	.paper = "Fig. 14",
	.est_quick_s = 4,
	.est_full_s = 20,
	.metrics = jit_metrics,
	.plots = jit_plots,
	.skel = EXP_SKEL(jit),
	.run = jit_run,
};
