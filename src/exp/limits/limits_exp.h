/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LIMITS_EXP_H
#define OLAB_LIMITS_EXP_H

#include "exp/exp.h"

int limits_run(struct exp_ctx *x);

/*
 * The largest v in [lo, hi] for which ok(v, arg) > 0, assuming ok holds up to some point and
 * not after it; stops when the interval is no wider than tol.
 */
long limits_search(long lo, long hi, long tol, int (*ok)(long v, void *a), void *arg);

/* XDP: r0 = 0; do r0 += 1 while r0 < k; return r0. The fd, or -errno (statistics in log). */
int limits_load_loop(long k, char *log, size_t loglen);

/* XDP: an 8-byte store at r10 - off, return XDP_PASS. The fd, or -errno. */
int limits_load_stack(int off);

#endif
