/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MAPS_EXP_H
#define OLAB_MAPS_EXP_H

#include "exp/exp.h"

int maps_run(struct exp_ctx *x);

#endif
