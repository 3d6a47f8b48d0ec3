/* SPDX-License-Identifier: GPL-2.0 */
/* What crosses the BPF/user boundary for the echo offloads (paper Fig. 3). */
#ifndef OLAB_ECHO_H
#define OLAB_ECHO_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Counters, one array slot each. */
enum echo_counter {
	ECHO_REPLIED = 0,   /* answered in the kernel */
	ECHO_NOT_OURS = 1,  /* another port or protocol: passed on */
	ECHO_MALFORMED = 2, /* truncated or inconsistent lengths: passed on, never answered */
	ECHO_COUNTERS = 3,
};

/* Longest UDP datagram (header + payload) whose checksum the XDP echo recomputes. */
#define ECHO_MAX_UDP 1480

#endif
