/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AFXDP_KV_INT_H
#define OLAB_AFXDP_KV_INT_H

/* The AF_XDP server's workers and transmit path (afxdp_kv.c, akv_tx.c). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include <xdp/xsk.h>

#include "afxdp_kv/afxdp_kv.h"
#include "afxdp_kv/afxdp_kv_serve.h"
#include "afxdp_kv/akv_proto.h"

#define FRAMES 4096 /* per worker: half for receiving, half for sending */
#define FRAME_SIZE AKV_FRAME_SIZE
#define RX_FRAMES (FRAMES / 2)
#define BATCH 64

/* Where a reply goes, kept in akv_peer.addr: the request's own addresses (the reply swaps
 * them), and whether it came through AF_XDP or the server's UDP socket. */
enum peer_kind { PEER_XSK = 1, PEER_SOCK };
struct peer {
	uint8_t kind;
	uint8_t src_mac[6], dst_mac[6];
	uint32_t saddr, daddr; /* network order */
	uint16_t sport, dport; /* network order */
};

struct akv_server;

struct worker {
	struct akv_server *srv;
	int queue;
	pthread_t th;
	void *area;
	struct xsk_umem *umem;
	struct xsk_socket *xsk;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint64_t free_tx[FRAMES - RX_FRAMES];
	unsigned int nfree;
	uint16_t ip_id;
	uint32_t tx_pending;  /* descriptors submitted, not yet kicked */
	int pkt_fd;	      /* behind the cache: replies through the qdisc and TC egress */
	uint8_t *pkt_buf;     /* behind the cache: the frame being built (FRAME_SIZE bytes) */
	struct akv_conn conn; /* memcached's UDP connection of this worker */
	uint64_t requests, replies, frames_out, bad, no_room;
};

struct akv_server {
	struct akv_opts o;
	struct afxdp_kv_bpf *skel;
	struct bpf_link *link;
	int learn_fd; /* the tcx link of olab_akv_learn: the kernel's reply routes */
	struct akv_store store;
	struct akv_settings set;
	pthread_mutex_t lock; /* the table, the settings, every worker's connection */
	struct worker w[AKV_MAX_QUEUES];
	int nqueues;		  /* the device's receive queues */
	uint64_t socket_requests; /* datagrams that came through udp_fd */
	int ifindex, mtu;
	int udp_fd; /* holds the port; takes what XDP passes on (fragments, reassembled) */
	bool zerocopy;
	/*
	 * On a loopback device replies go out through udp_fd: a frame sent on AF_XDP enters lo's
	 * receive path without the route a local sender's packet carries, and input routing
	 * drops it as a martian (127/8 or a local source: drop reason IP_LOCALNET).
	 */
	bool loopback;
	atomic_bool stop;
};

/* akv_tx.c */
void akv_tx_reclaim(struct worker *w);
void akv_tx_kick(struct worker *w);
/* The akv_sink of a worker: one reply datagram to its peer. */
void akv_tx_send(void *ctx, const struct akv_peer *to, const struct iovec *iov, int n, size_t len);

#endif
