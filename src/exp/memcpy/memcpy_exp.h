/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MEMCPY_EXP_H
#define OLAB_MEMCPY_EXP_H

#include "exp/exp.h"

/* the paper's figures (Table 6): ns per 1 KB copy, and what the claim reads from them */
#define MEMCPY_PAPER_BYTEWISE_NS 340.0
#define MEMCPY_PAPER_DYNPTR_NS 36.0
#define MEMCPY_PAPER_NATIVE_NS 32.0
#define MEMCPY_PAPER_RATIO (MEMCPY_PAPER_BYTEWISE_NS / MEMCPY_PAPER_NATIVE_NS)

int memcpy_run(struct exp_ctx *x);

#endif
