/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_PREPROC_EXP_H
#define OLAB_PREPROC_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "exp/exp.h"

/* the paper's best gain from truncation in XDP (Fig. 10), % */
#define PREPROC_PAPER_GAIN_PCT 2.8

int preproc_run(struct exp_ctx *x);
int preproc_configure(void *skel, const struct run_opts *o);

/*
 * The agent's end (two hosts): truncation on dev and the UDP sink behind it; cut sets the
 * share of each payload cut; pkts reads the datagrams received, with this host's clock.
 */
struct pp_side;
int preproc_side_up(const char *dev, struct pp_side **out, char *why, size_t whylen);
void preproc_side_cut(struct pp_side *p, unsigned int pct);
uint64_t preproc_side_pkts(struct pp_side *p, uint64_t *now_ns);
void preproc_side_down(struct pp_side *p);

#endif
