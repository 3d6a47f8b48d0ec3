/* SPDX-License-Identifier: GPL-2.0 */
/* What crosses the BPF/user boundary for the hooks experiment (paper Table 1). */
#ifndef OLAB_HOOKS_H
#define OLAB_HOOKS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define HOOKS_MAGIC 0x424c4f21U /* "!OLB" little endian, first payload word */
#define HOOKS_SLOTS 8192	/* per-packet stamp slots, indexed by seq % HOOKS_SLOTS */

/* Where a packet is stamped on its way up, in path order. */
enum hooks_point {
	HP_XDP = 0,
	HP_NRS = 1,   /* tp_btf/netif_receive_skb */
	HP_TC = 2,    /* TC ingress (clsact) */
	HP_SDR = 3,   /* tp_btf/sk_data_ready */
	HP_SKSKB = 4, /* sk_skb verdict program */
	HP_MAX = 5,
};

/* The first bytes of every probe packet's payload. */
struct hooks_probe {
	__u32 magic;
	__u32 seq;
	__u64 send_ns; /* CLOCK_MONOTONIC just before send() */
};

/* One packet's stamps; seq1[i] = seq + 1 once stamp t[i] is valid for that packet. */
struct hooks_slot {
	__u64 t[HP_MAX];
	__u32 seq1[HP_MAX];
	__u32 pad;
};

#endif
