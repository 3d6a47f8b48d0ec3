/* SPDX-License-Identifier: GPL-2.0 */
/* channels: what its files share, one file per kind of channel. */
#ifndef OLAB_CHANNELS_INT_H
#define OLAB_CHANNELS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "exp/exp.h"
#include "lib/trbench.h"

struct channels_bpf;
struct chan_spsc;

/* channels.c: the object with its table map of type t, loaded; NULL when it cannot be */
struct channels_bpf *chan_open_load(enum bpf_map_type t);

/* channels_access.c: one item by each channel (Table 4) */
int syscall_lookups(struct result *r, const struct trb *trb);
void ringbuf_access(struct result *r, const struct trb *trb);
void mmap_access(struct result *r, const struct trb *trb);
struct chan_spsc *spsc_map(struct channels_bpf *s);
int count_item(void *ctx, void *data, size_t len);

/* channels_tput.c: kernel -> user throughput with a BPF producer (Fig. 13) */
enum consumer { C_RB_BUSY, C_RB_POLL, C_SPSC, C_ARRAY };
int throughput(enum consumer c, const struct trb *trb, int pcpu, int ccpu, uint64_t dur_ns,
	       double *mpps, double *drop_pct);

/*
 * channels_afxdp.c: AF_XDP in copy mode on the testbed's veth (tb, the runner's), with the
 * anchor of what XDP received
 */
struct tb;
void af_xdp(struct result *r, struct tb *tb, const struct trb *trb, uint64_t dur_ns);

#endif
