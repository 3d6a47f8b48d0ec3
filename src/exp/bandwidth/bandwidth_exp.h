/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_BANDWIDTH_EXP_H
#define OLAB_BANDWIDTH_EXP_H

#include "exp/exp.h"

int bandwidth_run(struct exp_ctx *x);

#endif
