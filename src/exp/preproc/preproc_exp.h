/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PREPROC_EXP_H
#define OLAB_PREPROC_EXP_H

#include "exp/exp.h"
#include "exp/side.h"

/* the paper's best gain from truncation in XDP (Fig. 10), % */
#define PREPROC_PAPER_GAIN_PCT 2.8

/* the sink's UDP port on the device */
#define PP_PORT 9009

int preproc_run(struct exp_ctx *x);

/* the server side (preproc_side.c): the truncating program, its NAPI thread, the sink */
extern const struct exp_side preproc_side;

#endif
