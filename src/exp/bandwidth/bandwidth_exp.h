/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_BANDWIDTH_EXP_H
#define OLAB_BANDWIDTH_EXP_H

#include "exp/exp.h"

int bandwidth_run(struct exp_ctx *x);

/*
 * The server side (bandwidth_side.c, ops bw_*): the condition's empty program on the device,
 * a listener on BW_PORT, and the sink that counts the stream with its host's clock.
 */
extern const struct exp_side bandwidth_side;

enum bw_cond { BW_NONE, BW_XDP, BW_TC, BW_SKSKB, BW_MAX };
/* the conditions' names in the protocol (bw_up's cond) and in the metric ids */
extern const char *const bw_cond_key[BW_MAX];

#define BW_PORT 5201
/* Its TC filter: a fixed handle and priority, so a later agent finds one left behind. */
#define BW_TC_HANDLE 0x6277 /* "bw" */
#define BW_TC_PRIORITY 0xc3

#endif
