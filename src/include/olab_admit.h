/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who an XDP program that answers requests itself (the kvcache's hit path, the AF_XDP
 * key-value server) may answer: only what the kernel would deliver to the server's socket,
 * and only where the kernel would send the server's reply (docs/kvcache.md, "Security
 * model"). Shared by both BPF programs (olab_admit.bpf.h) and user space (lib/admit.c):
 * fixed-width types only.
 */
#ifndef OLAB_ADMIT_H
#define OLAB_ADMIT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Set by user space before the program answers anyone; all zero answers nobody. */
struct olab_adm_cfg {
	__u32 ifindex;	   /* the one device requests are answered on */
	__u8 allow_only;   /* answer only sources in adm_allow4 / adm_allow6 */
	__u8 csum_partial; /* a virtual device: a local sender's partial UDP checksum is valid */
	__u8 pad[2];
	__u32 rate;	    /* answers per second to one source address; 0: no limit */
	__u32 burst;	    /* answers a source may take at once */
	__u64 route_ttl_ns; /* how long a reply route the kernel used is trusted */
};

/* An address: the key of the reply routes and of the per-source rate. */
struct olab_adm_addr {
	__u8 v6;
	__u8 pad[3];
	__u32 addr[4]; /* IPv4 in addr[0], network order */
};

/*
 * The route the kernel gave the server's own last reply to a client (seen on TC egress, sent
 * by the server's socket): the device, the address it answered from and both MACs.
 */
struct olab_adm_route {
	__u64 learnt_ns; /* CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 local[4]; /* the server's address the kernel chose (IPv4 in local[0]) */
	__u8 smac[6];	/* the device's */
	__u8 dmac[6];	/* the neighbour's: the client's, or its router's */
	__u8 pad[4];
};

struct olab_adm_lpm4 {
	__u32 prefixlen;
	__u8 addr[4];
};

struct olab_adm_lpm6 {
	__u32 prefixlen;
	__u8 addr[16];
};

/* A source's answer budget: a token bucket in tokens x 1e9 (ns of rate). */
struct olab_adm_rate {
	__u64 tokens;
	__u64 last_ns;
};

/* Why a request is left to the kernel (0: it may be answered). */
enum olab_adm_verdict {
	OLAB_ADM_OK = 0,
	OLAB_ADM_NOT_LOCAL, /* another device than the one configured, or nobody configured */
	OLAB_ADM_UNUSUAL,   /* IP options, fragments, another protocol: the kernel's path */
	OLAB_ADM_BAD_FRAME, /* IP version, lengths or header checksum the kernel refuses */
	OLAB_ADM_BAD_SRC,   /* a source the kernel drops: its own, broadcast, multicast ... */
	OLAB_ADM_NO_ROUTE,  /* no reply route of the kernel's matches the frame */
	OLAB_ADM_BAD_CSUM,  /* the UDP checksum does not hold (or could not be checked) */
	OLAB_ADM_REFUSED,   /* a source outside the allow-list */
	OLAB_ADM_RATE,	    /* a source over its rate */
	OLAB_ADM_NVERDICTS,
};

/* Default trust in a learnt reply route: a second, then the server is asked again. */
#define OLAB_ADM_ROUTE_TTL_NS 1000000000ULL

#endif
