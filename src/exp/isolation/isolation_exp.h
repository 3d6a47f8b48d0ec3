/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ISOLATION_EXP_H
#define OLAB_ISOLATION_EXP_H

#include "exp/exp.h"
#include "exp/side.h"

/* the paper's change of the echo server's median beside the kvcache neighbour (Fig. 16) */
#define ISOLATION_PAPER_CHANGE_PCT 54
/* its echo server's median alone and beside the neighbour (Fig. 16), ns */
#define ISOLATION_PAPER_ALONE_NS 57900
#define ISOLATION_PAPER_NEIGH_NS 89000

int isolation_run(struct exp_ctx *x);

/*
 * The server side (isolation_side.c): the sleeping UDP echo server and the neighbour's XDP
 * program on the device (iters sets its work per packet, pkts reads what it has seen), or in
 * its place the kvcache neighbour (memcached, the cache on every interface).
 */
extern const struct exp_side isolation_side;

#endif
