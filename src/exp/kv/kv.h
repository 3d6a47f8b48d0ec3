/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_H
#define OLAB_KV_H

#include "exp/exp.h"
#include "exp/side.h"

/* the paper's figures the experiments and their claims share (Fig. 4, 6, 7) */
#define KV_PAPER_TPUT_RATIO 2.5	 /* GET throughput with the cache over memcached alone */
#define KV_PAPER_SLOWPATH_PCT 51 /* median latency added to requests the cache cannot serve */
#define KV_AFXDP_PAPER_GAIN_AFXDP (297 / 126.5) /* the AF_XDP server over memcached */
#define KV_AFXDP_PAPER_GAIN_CACHE (333.0 / 297) /* the cache in front of the AF_XDP server */

int kv_run(struct exp_ctx *x);
/* kv-afxdp (paper Fig. 7-9), kv_afxdp.c */
int kv_afxdp_run(struct exp_ctx *x);

/*
 * The XDP_TX responder of kv_ceiling.bpf.c, loaded to answer "get KEY" on port with a hit of
 * value_size bytes ('v's). NULL with errno set when it cannot be loaded.
 */
struct kv_ceiling_bpf;
struct kv_ceiling_bpf *kv_ceiling_load(unsigned int value_size, unsigned short port);

/* kv-afxdp's AF_XDP key-value server's UDP port (memcached keeps 11211) */
#define KV_AX_PORT 11212

/*
 * kv's server side (kv_side.c), kv-afxdp's too (ops kv_*): memcached on the device's
 * address, the servers on the device, its counters, CPU use, wake-up tracer and spinner.
 */
extern const struct exp_side kv_side;

#endif
