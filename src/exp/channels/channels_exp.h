/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHANNELS_EXP_H
#define OLAB_CHANNELS_EXP_H

#include "exp/exp.h"

int channels_run(struct exp_ctx *x);

#endif
