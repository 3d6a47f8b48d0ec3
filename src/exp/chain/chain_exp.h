/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHAIN_EXP_H
#define OLAB_CHAIN_EXP_H

#include "exp/exp.h"

int chain_run(const struct run_opts *o, struct result *r);

#endif
