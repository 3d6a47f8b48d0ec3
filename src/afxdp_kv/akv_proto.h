/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_AKV_PROTO_H
#define OLAB_AKV_PROTO_H

/*
 * memcached 1.6.18's text protocol over UDP as its UDP connection runs it, datagram by
 * datagram: the 8-byte frame header (a request of one datagram only), every command of the
 * datagram in turn (text and meta commands, stats), memcached's reply bytes and its framing
 * (one response per command, or per key of a multi-get, each sent as datagrams of at most 1400
 * bytes with a sequence number and the total; an empty one only at the head of a write), and
 * the state a memcached UDP connection keeps between datagrams: a data block not yet complete
 * takes the next datagram's bytes, a swallowed one too, and after 'quit' every write ends the
 * datagram. One akv_conn per worker, as memcached has one UDP connection per thread.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "afxdp_kv/akv_store.h"

#define AKV_UDP_PAYLOAD 1400 /* memcached's UDP_MAX_PAYLOAD_SIZE, frame header included */
#define AKV_UDP_HDR 8
#define AKV_VERSION "1.6.18" /* the memcached whose replies these are */

/* Where a reply goes: the transport's own address bytes, and the request id. */
#define AKV_PEER_MAX 48
struct akv_peer {
	uint8_t addr[AKV_PEER_MAX];
	uint16_t rid;
};

/* One reply datagram out: frame header and payload in iov[0..n), len bytes in all. */
struct akv_sink {
	void (*send)(void *ctx, const struct akv_peer *to, const struct iovec *iov, int n,
		     size_t len);
	void *ctx;
};

/* Settings a client can change or read ('stats settings', 'verbosity', 'lru', ...). */
struct akv_settings {
	uint32_t verbosity, lru_crawler_sleep, lru_crawler_tocrawl, hot_lru_pct, warm_lru_pct;
	uint32_t slab_automove;
	int32_t temporary_ttl;
	double slab_automove_ratio, hot_max_factor, warm_max_factor;
	bool lru_segmented, temp_lru, lru_crawler, detail_enabled, sizes_enabled;
	uint64_t sizes_cas; /* 'stats sizes' counts items stored since it was enabled */
	/* memcached's extstore settings: taken and shown, no external storage behind them */
	uint32_t ext_item_size, ext_item_age, ext_low_ttl, ext_recache_rate, ext_compact_under;
	uint32_t ext_drop_under, ext_max_sleep;
	double ext_max_frag;
	bool ext_drop_unread;
	struct akv_prefix *prefixes; /* 'stats detail' */
	uint64_t crawler_starts;
	uint16_t port;
	int threads;
};

struct akv_resp;

struct akv_conn {
	struct akv_store *s;
	struct akv_settings *set; /* shared by the server's connections */
	struct akv_sink sink;
	char *rbuf; /* the datagram being run (memcached's rbuf), NUL-terminated lines */
	size_t rcurr, rbytes;
	struct akv_peer peer;  /* its sender and request id */
	struct akv_resp *resp; /* responses not yet written */
	size_t nresp, capresp, cur;
	char *txt; /* their text */
	size_t ntxt, captxt;
	int state, nreqs;
	bool noreply, close_after_write;
	/* a storage command reading its data block (memcached's c->item, rlbytes, sbytes) */
	struct akv_item *item;
	size_t rl, ritem, sbytes;
	int cmd;
	bool mset, set_stale;
	char stash[320]; /* ms: the reply's flags, filled in once stored */
	size_t nstash;
	uint64_t cas;		  /* the CAS of the last store (ms 'c') */
	uint64_t dropped, binary; /* datagrams not taken: bad frame header, binary protocol */
};

int akv_conn_init(struct akv_conn *c, struct akv_store *s, struct akv_settings *set,
		  const struct akv_sink *sink);
void akv_conn_free(struct akv_conn *c);
void akv_settings_default(struct akv_settings *set, uint16_t port, int threads);
void akv_settings_free(struct akv_settings *set);

/* One datagram to the server's port (frame header included), from: its sender. */
void akv_datagram(struct akv_conn *c, const struct akv_peer *from, const uint8_t *d, size_t len);

#endif
