/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KV_H
#define OLAB_KV_H

#include "exp/exp.h"

int kv_run(const struct run_opts *o, struct result *r);
/* kv-afxdp (paper Fig. 7-9), kv_afxdp.c */
int kv_afxdp_run(const struct run_opts *o, struct result *r);

/*
 * The XDP_TX responder of kv_ceiling.bpf.c, loaded to answer "get KEY" on port with a hit of
 * value_size bytes ('v's). NULL with errno set when it cannot be loaded.
 */
struct kv_ceiling_bpf;
struct kv_ceiling_bpf *kv_ceiling_load(unsigned int value_size, unsigned short port);

#endif
