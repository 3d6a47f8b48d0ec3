/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PREPROC_EXP_H
#define OLAB_PREPROC_EXP_H

#include "exp/exp.h"

/* the paper's best gain from truncation in XDP (Fig. 10), % */
#define PREPROC_PAPER_GAIN_PCT 2.8

int preproc_run(struct exp_ctx *x);
int preproc_configure(void *skel, const struct run_opts *o);

#endif
