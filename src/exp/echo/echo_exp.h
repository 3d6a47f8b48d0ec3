/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ECHO_EXP_H
#define OLAB_ECHO_EXP_H

#include "exp/exp.h"
#include "exp/side.h"

int echo_run(struct exp_ctx *x);

/* The echo's TC filter: a fixed handle and priority, so a later start finds one left behind. */
#define ECHO_TC_HANDLE 0x6563 /* "ec" */
#define ECHO_TC_PRIORITY 0xc2

/*
 * The server side (echo_side.c): one variant on the device at a time (echo_up), a TCP SK_SKB
 * connection taken into its sockmap (echo_accept), the replies its BPF programs sent
 * (echo_down).
 */
extern const struct exp_side echo_side;

/* offloadlab echo serve ... (argv[0] is "serve") */
int echo_serve_main(int argc, char **argv);

#endif
