/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVCACHE_H
#define OLAB_KVCACHE_H

/* Shared between kvcache.bpf.c and user space: fixed-width types only. */
#include <linux/types.h>

#include "kvcache/mcproto.h"

#define KC_VAL_MAX 1400	  /* largest value cached: a reply must fit one datagram */
#define KC_REPLY_MAX 1464 /* UDP payload of a reply after the frame header (MTU 1500, IPv4) */
#define KC_OUT 4096	  /* scratch for composing a reply */

struct kc_key {
	__u8 len;
	__u8 pad[3];
	__u8 b[252]; /* zero past len: the map compares whole keys, never a hash */
};

struct kc_val {
	__u32 flags;
	__u32 len;
	__u64 cas;
	__u64 deadline_ns; /* CLOCK_MONOTONIC; 0: never expires */
	__u64 epoch;	   /* the epoch it was filled in; older epochs are flushed */
	__u8 has_cas;
	__u8 pad[7];
	__u8 data[KC_VAL_MAX];
};

enum kc_counter {
	KC_HIT,
	KC_MISS,
	KC_TOO_BIG,
	KC_NOT_CACHEABLE,
	KC_PARSE_PASS,
	KC_INVALIDATION,
	KC_FILL,
	KC_FILL_FENCED,
	KC_NCOUNTERS,
};

#endif
