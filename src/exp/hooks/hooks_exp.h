/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_HOOKS_EXP_H
#define OLAB_HOOKS_EXP_H

#include "exp/exp.h"

int hooks_run(struct exp_ctx *x);
int hooks_configure(void *skel, const struct run_opts *o);

#endif
