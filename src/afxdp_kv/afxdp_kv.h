/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AFXDP_KV_H
#define OLAB_AFXDP_KV_H

/* Shared between afxdp_kv.bpf.c and user space. */
#define AKV_MAX_QUEUES 64

enum akv_counter {
	AKV_REDIRECTED, /* UDP to the port, into the queue's socket */
	AKV_PASSED,	/* anything else: the kernel's */
	AKV_NCOUNTERS,
};

#endif
