/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AFXDP_KV_H
#define OLAB_AFXDP_KV_H

/* Shared between afxdp_kv.bpf.c and user space. */
#include "include/olab_admit.h"

#define AKV_MAX_QUEUES 64
#define AKV_FRAME_SIZE 4096 /* one UMEM frame */
/*
 * The longest frame an AF_XDP socket takes: a frame less XDP_PACKET_HEADROOM. A longer one
 * (lo, a jumbo MTU) goes to the kernel, which hands it to the server's UDP socket.
 */
#define AKV_RX_MAX (AKV_FRAME_SIZE - 256)

enum akv_counter {
	AKV_REDIRECTED, /* UDP to the port, into the queue's socket */
	AKV_PASSED,	/* anything else: the kernel's (its path to the server's UDP socket) */
	/*
	 * Then one per admission verdict (enum olab_adm_verdict, from 1): requests for the port
	 * the server may not answer itself (olab_admit.bpf.h), left to the kernel's path.
	 */
	AKV_ADMISSION,
	AKV_NCOUNTERS = AKV_ADMISSION + OLAB_ADM_NVERDICTS,
};

#endif
