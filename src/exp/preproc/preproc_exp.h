/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PREPROC_EXP_H
#define OLAB_PREPROC_EXP_H

#include "exp/exp.h"

int preproc_run(struct exp_ctx *x);
int preproc_configure(void *skel, const struct run_opts *o);

#endif
