/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ECHO_EXP_H
#define OLAB_ECHO_EXP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "exp/exp.h"

int echo_run(struct exp_ctx *x);
int echo_configure(void *skel, const struct run_opts *o);
/*
 * The agent's end (two hosts): one variant's server side on dev of this host, the generator
 * at peer_ip; echo_side_accept takes a TCP SK_SKB connection into the sockmap (a new one
 * replaces the last); echo_side_down removes all and says how many replies the BPF programs
 * sent. 0 or -errno, why written.
 */
/* The echo's TC filter: a fixed handle and priority, so a later start finds one left behind. */
#define ECHO_TC_HANDLE 0x6563 /* "ec" */
#define ECHO_TC_PRIORITY 0xc2

struct echo_side;
int echo_side_up(const char *dev, const char *peer_ip, const char *variant, const char *l4,
		 bool split, struct echo_side **out, char *why, size_t whylen);
int echo_side_accept(struct echo_side *s);
uint64_t echo_side_down(struct echo_side *s);

/* offloadlab echo serve ... (argv[0] is "serve") */
int echo_serve_main(int argc, char **argv);

#endif
