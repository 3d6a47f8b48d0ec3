/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_HOOKS_EXP_H
#define OLAB_HOOKS_EXP_H

#include "exp/exp.h"

int hooks_run(struct exp_ctx *x);
int hooks_configure(void *skel, const struct run_opts *o);

/* Two hosts: the probes from here, the stamps and the reader on the server (its agent). */
int hooks_run_remote(struct exp_ctx *x);

/* The server's side (agent ops hk_*): programs on dev, a socket, its reader, the stamps. */
#include <jansson.h>
struct hooks_side;
#define HOOKS_PORT 40001 /* the probes' port, UDP and TCP */
/* The TC ingress filter's, fixed so that an agent can remove one a killed agent left. */
#define HOOKS_TC_HANDLE 0x686b /* "hk" */
#define HOOKS_TC_PRIORITY 0xc4
int hooks_side_up(const char *dev, bool reach, struct hooks_side **out, char *why, size_t whylen);
json_t *hooks_side_caps(void);
int hooks_side_open(struct hooks_side *s, bool tcp, bool busy, bool skskb, int n, char *why,
		    size_t whylen);
int hooks_side_accept(struct hooks_side *s, bool skskb, char *why, size_t whylen);
/* Stops the reader and closes the socket; the probes it received. */
int hooks_side_close(struct hooks_side *s);
/* Per probe from..from+count-1: [nrs, tc, sdr, skskb, reader] ns after XDP (-1: none) or null. */
json_t *hooks_side_rows(struct hooks_side *s, int from, int count);
/* [run_time_ns, run_cnt] of the empty XDP, TC and sk_skb programs. */
json_t *hooks_side_stats(struct hooks_side *s);
json_t *hooks_side_testrun(struct hooks_side *s, bool quick, unsigned int samples);
void hooks_side_down(struct hooks_side *s);

#endif
