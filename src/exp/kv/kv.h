/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_H
#define OLAB_KV_H

#include "exp/exp.h"

int kv_run(const struct run_opts *o, struct result *r);

#endif
