/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ISOLATION_EXP_H
#define OLAB_ISOLATION_EXP_H

#include "exp/exp.h"

int isolation_run(const struct run_opts *o, struct result *r);

#endif
