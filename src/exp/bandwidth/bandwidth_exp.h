/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_BANDWIDTH_EXP_H
#define OLAB_BANDWIDTH_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "exp/exp.h"

int bandwidth_run(struct exp_ctx *x);

/*
 * The agent's end (two hosts): the condition (none, xdp, tc, skskb) on dev and a listener;
 * accept takes the generator's stream (into the sockmap first for skskb) and starts the sink;
 * bytes reads what it received with this host's clock. 0 or -errno, why written.
 */
/* Its TC filter: a fixed handle and priority, so a later agent finds one left behind. */
#define BW_TC_HANDLE 0x6277 /* "bw" */
#define BW_TC_PRIORITY 0xc3

struct bw_agent;
int bandwidth_side_up(const char *dev, const char *cond, struct bw_agent **out, char *why,
		      size_t whylen);
int bandwidth_side_accept(struct bw_agent *a);
uint64_t bandwidth_side_bytes(struct bw_agent *a, uint64_t *now_ns);
void bandwidth_side_down(struct bw_agent *a);

#endif
