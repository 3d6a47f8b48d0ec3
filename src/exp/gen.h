/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The load generator as the experiments use it: the XDP engine opened on the testbed's
 * generator end (or the generator's device with two hosts) for a whole experiment, the socket
 * engine where it cannot run, and the cross-check of the two engines on one load both carry.
 */
#ifndef OLAB_EXP_GEN_H
#define OLAB_EXP_GEN_H

#include <stddef.h>

#include "lib/results.h"
#include "loadgen/loadgen.h"

struct tb;

/*
 * The XDP engine on tb's generator end, its receive program on the device's XDP hook (also
 * the XDP program a veth needs to receive XDP_TX replies). NULL, with why written, when it
 * cannot run there (no native XDP, a NIC without ndo_xdp_xmit): the socket engine then, and
 * the caller keeps what it attached before (an XDP_PASS on a veth).
 */
struct lg_xdp *exp_gen_open(const struct tb *tb, unsigned int max_keys, char *why, size_t len);
/* The same for raw requests (LG_KIND_RAW): a table of max_raw of them, no keys. */
struct lg_xdp *exp_gen_open_raw(const struct tb *tb, unsigned int max_raw, char *why, size_t len);
void exp_gen_close(const struct tb *tb, struct lg_xdp *x);
/* The engine a run takes: the XDP one when open, else the socket one. */
void exp_gen_use(struct lg_opts *lo, struct lg_xdp *x);

/* A note on the engine the throughputs took: which, on what device, or why not the XDP one. */
void exp_gen_note(struct result *r, const struct lg_xdp *x, const char *why);

/*
 * xdp and sock measured one load both engines carry: when they differ beyond the live
 * run-to-run floor (CIs apart and more than CMP_FLOOR_LIVE %), a note on xdp says so; a line
 * in the experiment's notes either way.
 */
void exp_gen_xcheck(struct result *r, struct metric *xdp, const struct metric *sock);

#endif
