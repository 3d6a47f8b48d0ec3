/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_AFXDP_EXP_H
#define OLAB_KV_AFXDP_EXP_H

#include "exp/exp.h"

/*
 * kv-afxdp (paper Fig. 7-9): kv's machinery (src/exp/kv: memcached, the load, kv's server
 * side, which also serves the AF_XDP server) with the key-value server on AF_XDP.
 */

/* the paper's figures the run and its claims share (Fig. 7) */
#define KV_AFXDP_PAPER_GAIN_AFXDP (297 / 126.5) /* the AF_XDP server over memcached */
#define KV_AFXDP_PAPER_GAIN_CACHE (333.0 / 297) /* the cache in front of the AF_XDP server */

int kv_afxdp_run(struct exp_ctx *x);

#endif
