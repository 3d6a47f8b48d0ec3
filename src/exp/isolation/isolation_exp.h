/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ISOLATION_EXP_H
#define OLAB_ISOLATION_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "exp/exp.h"

/* the paper's change of the echo server's median beside the kvcache neighbour (Fig. 16) */
#define ISOLATION_PAPER_CHANGE_PCT 54
/* its echo server's median alone and beside the neighbour (Fig. 16), ns */
#define ISOLATION_PAPER_ALONE_NS 57900
#define ISOLATION_PAPER_NEIGH_NS 89000

int isolation_run(struct exp_ctx *x);
int isolation_configure(void *skel, const struct run_opts *o);

/*
 * The agent's end (two hosts): the sleeping UDP echo server and the neighbour's XDP program
 * on dev; iters sets the neighbour's work per packet, pkts reads what it has seen.
 */
struct iso_agent;
int isolation_side_up(const char *dev, struct iso_agent **out, char *why, size_t whylen);
void isolation_side_iters(struct iso_agent *a, unsigned int iters);
uint64_t isolation_side_pkts(struct iso_agent *a);
/* The kvcache neighbour (memcached, the cache on every interface) in place of the XDP one. */
int isolation_side_kvc_up(struct iso_agent *a, char *why, size_t whylen);
uint64_t isolation_side_kvc_hits(struct iso_agent *a);
void isolation_side_down(struct iso_agent *a);

#endif
