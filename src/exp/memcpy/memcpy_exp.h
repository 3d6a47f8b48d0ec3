/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MEMCPY_EXP_H
#define OLAB_MEMCPY_EXP_H

#include "exp/exp.h"

int memcpy_run(const struct run_opts *o, struct result *r);

#endif
