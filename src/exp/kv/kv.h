/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_H
#define OLAB_KV_H

#include "exp/exp.h"

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

/*
 * Two hosts: kv's server side on this host for the agent (ops kv_*): memcached on dev's
 * address, the servers on dev, its counters, CPU use, wake-up tracer and spinner.
 */
#include <jansson.h>
struct kv_side;
int kv_side_up(const char *dev, struct kv_side **out, char *why, size_t whylen);
/* The answer to kv_up: memcached's pid, its worker, the CPU, the tracer and statistics. */
json_t *kv_side_hello(const struct kv_side *s);
/* Any other kv_* op's answer, or NULL with why written. */
json_t *kv_side_op(struct kv_side *s, const char *op, json_t *req, char *why, size_t whylen);
void kv_side_down(struct kv_side *s);

#endif
