/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AFXDP_KV_SERVE_H
#define OLAB_AFXDP_KV_SERVE_H

/* The AF_XDP key-value server, as a library (the kv-afxdp experiment) and a command. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "afxdp_kv/afxdp_kv.h"

struct akv_opts {
	const char *dev;
	int queue;		/* first queue; workers take queue .. queue + threads - 1 */
	int threads;		/* one per queue; 0: every queue from queue on */
	uint16_t port;		/* UDP port */
	unsigned int memory_mb; /* the table's limit; LRU eviction beyond */
	bool busy;		/* poll the rings instead of sleeping in poll() */
	int cpu;		/* pin the workers here (-1: not pinned) */
	/*
	 * Behind the kvcache: put the sockets in this XSKMAP (kvc_xsk_handoff's) instead of
	 * attaching a program of our own, and send replies through the device's qdisc and TC
	 * egress (an AF_PACKET socket), where the cache sees them and fills.
	 */
	bool behind_cache;
	int xskmap_fd;
	/*
	 * Who is answered over AF_XDP (docs/kvcache.md, "In front of a key-value server on
	 * AF_XDP"): sources in these CIDRs only (none: any), at most rate answers a second to
	 * one source (0: no limit); the rest takes the kernel's path to the UDP socket. Behind
	 * the cache, its own --allow and --rate apply instead.
	 */
	int nallow;
	const char *allow[32];
	uint32_t rate;
	uint32_t route_ttl_ms; /* trust in the reply route learnt from the socket; 0: 1 s */
};

struct akv_stats {
	uint64_t requests, replies, frames_out, bad, no_room, items, evictions;
	uint64_t queue_requests[AKV_MAX_QUEUES]; /* through each worker's AF_XDP socket */
	uint64_t socket_requests;		 /* through the UDP socket (passed to the kernel) */
	uint64_t not_taken, binary; /* memcached takes none: frame header; binary protocol */
	int queues, first_queue, threads;
	bool zerocopy;
};

struct akv_server;
/* Attach to o->dev in the caller's network namespace and start the workers; 0 or -errno. */
int akv_server_start(const struct akv_opts *o, struct akv_server **out);
void akv_server_stats(const struct akv_server *s, struct akv_stats *st);
/* Store an item directly (no request on the wire): 0, or -ENOMEM when it cannot be held. */
int akv_server_put(struct akv_server *s, const char *key, const void *val, size_t n);
/*
 * For the metrics (akv_metrics.c): the AF_XDP sockets' drop counters, the XDP program's, the
 * table's memory, and the reply to memcached's 'stats' command.
 */
struct akv_metrics {
	uint64_t xsk_rx_dropped, xsk_rx_invalid, xsk_tx_invalid, xsk_rx_ring_full;
	uint64_t xdp_redirected, xdp_passed;
	uint64_t bytes, limit_bytes;
	size_t stats_len;
	char stats[8192];
};
void akv_server_metrics(struct akv_server *s, struct akv_metrics *m);
/* Stop the workers, detach, free; NULL-safe. */
void akv_server_stop(struct akv_server *s);

/* offloadlab afxdp-kv serve */
int afxdp_kv_main(int argc, char **argv);

#endif
