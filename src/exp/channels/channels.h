/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHANNELS_H
#define OLAB_CHANNELS_H

#include <linux/types.h>

/* Shared between channels.bpf.c and channels.c: fixed-width types only. */

#define CH_ITEM 64	      /* bytes per item, every channel */
#define CH_KEYS 64	      /* entries of the looked-up maps */
#define CH_SPSC_N 4096	      /* slots of the ring in the mmap'd array (a power of two) */
#define CH_RB_BYTES (4 << 20) /* BPF ring buffer size */

struct ch_item {
	__u64 seq;
	__u8 pad[CH_ITEM - 8];
};

/* A single-producer single-consumer ring in one mmap'd array value. */
struct ch_spsc {
	__u64 head; /* written by the BPF producer */
	__u8 pad1[56];
	__u64 tail; /* written by the user-space consumer */
	__u8 pad2[56];
	struct ch_item items[CH_SPSC_N];
};

#endif
