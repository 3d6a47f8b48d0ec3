/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_HOOKS_EXP_H
#define OLAB_HOOKS_EXP_H

#include "exp/exp.h"

int hooks_run(const struct run_opts *o, struct result *r);

#endif
