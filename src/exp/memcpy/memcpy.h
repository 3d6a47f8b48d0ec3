/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MEMCPY_H
#define OLAB_MEMCPY_H

#define MEMCPY_LEN 1024	  /* bytes per copy */
#define MEMCPY_REPS 4	  /* copies per test-run */
#define MEMCPY_FRAME 1100 /* the packet bpf_xdp_load_bytes copies from */

#include <linux/types.h>

/* one byte in front: the compiler knows the buffer is only byte-aligned */
struct unaligned {
	__u8 pad;
	__u8 b[MEMCPY_LEN];
} __attribute__((packed));

#endif
