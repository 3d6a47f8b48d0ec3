/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHANNELS_H
#define OLAB_CHANNELS_H

#include <linux/types.h>

/* Shared between channels.bpf.c and channels.c: fixed-width types only. */

#define CHAN_ITEM 64		/* bytes per item, every channel */
#define CHAN_KEYS 64		/* entries of the looked-up maps */
#define CHAN_SPSC_N 4096	/* slots of the ring in the mmap'd array (a power of two) */
#define CHAN_RB_BYTES (4 << 20) /* BPF ring buffer size */

struct chan_item {
	__u64 seq;
	__u8 pad[CHAN_ITEM - 8];
};

/* A single-producer single-consumer ring in one mmap'd array value. */
struct chan_spsc {
	__u64 head; /* written by the BPF producer */
	__u8 pad1[56];
	__u64 tail; /* written by the user-space consumer */
	__u8 pad2[56];
	struct chan_item items[CHAN_SPSC_N];
};

#endif
