/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_EXP_H
#define OLAB_KV_EXP_H

#include "exp/exp.h"
#include "exp/side.h"

/* the paper's figures the experiment and its claims share (Fig. 4, 6) */
#define KV_PAPER_TPUT_RATIO 2.5	 /* GET throughput with the cache over memcached alone */
#define KV_PAPER_SLOWPATH_PCT 51 /* median latency added to requests the cache cannot serve */

int kv_run(struct exp_ctx *x);

/*
 * The XDP_TX responder of kv_ceiling.bpf.c, loaded to answer "get KEY" on port with a hit of
 * value_size bytes ('v's). NULL with errno set when it cannot be loaded.
 */
struct kv_ceiling_bpf;
struct kv_ceiling_bpf *kv_ceiling_load(unsigned int value_size, unsigned short port);

/* kv-afxdp's AF_XDP key-value server's UDP port (memcached keeps 11211); its side is kv's */
#define KV_AX_PORT 11212

/*
 * kv's server side (kv_side.c), kv-afxdp's too (ops kv_*): memcached on the device's
 * address, the servers on the device, its counters, CPU use, wake-up tracer and spinner.
 */
extern const struct exp_side kv_side;

#endif
