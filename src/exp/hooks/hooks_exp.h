/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_HOOKS_EXP_H
#define OLAB_HOOKS_EXP_H

#include "exp/exp.h"

int hooks_run(struct exp_ctx *x);
/* Between open and load: the probes' port, and what this kernel offers (x->priv, a caps). */
int hooks_prepare(struct exp_ctx *x);

/* Two hosts: the probes from here, the stamps and the reader on the server (hooks_remote.c). */
int hooks_run_remote(struct exp_ctx *x);

/* The server side (hooks_side.c, ops hk_*): programs on the device, a socket, its reader. */
extern const struct exp_side hooks_side;

#define HOOKS_PORT 40001 /* the probes' port, UDP and TCP */
/* The TC ingress filter's, fixed so that an agent can remove one a killed agent left. */
#define HOOKS_TC_HANDLE 0x686b /* "hk" */
#define HOOKS_TC_PRIORITY 0xc4

#endif
