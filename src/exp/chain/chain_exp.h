/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHAIN_EXP_H
#define OLAB_CHAIN_EXP_H

#include "exp/exp.h"

int chain_run(struct exp_ctx *x);

#endif
