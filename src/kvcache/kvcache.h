/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVCACHE_H
#define OLAB_KVCACHE_H

/* Shared between kvcache.bpf.c and user space: fixed-width types only. */
#include <linux/bpf.h> /* struct bpf_spin_lock, struct bpf_timer */
#include <linux/types.h>

#include "kvcache/mcproto.h"

#define KVC_VAL_MAX 1400   /* largest value cached: a reply must fit one datagram */
#define KVC_REPLY_MAX 1464 /* UDP payload of a reply after the frame header (MTU 1500, IPv4) */
#define KVC_OUT 4096	   /* scratch for composing a reply */

struct kvc_key {
	__u8 len;
	__u8 pad[3];
	__u8 b[252]; /* zero past len: the map compares whole keys, never a hash */
};

struct kvc_val {
	__u32 flags;
	__u32 len;
	__u64 cas;
	__u64 deadline_ns; /* CLOCK_MONOTONIC; 0: never expires */
	__u64 epoch;	   /* the epoch it was filled in; older epochs are flushed */
	__u8 has_cas;
	__u8 pad[7];
	__u8 data[KVC_VAL_MAX];
};

/*
 * After a datagram the cache cannot read through, no fills for this long even once it has
 * been answered: memcached may answer a datagram's first commands before it runs the last.
 */
#define KVC_UNREAD_HOLD_NS 1000000000ULL
/*
 * How long a write's window waits for memcached's reply (cfg_reply_wait_ns): a write that is
 * never answered (the kernel dropped it, memcached ignored it, noreply) holds its keys' fills
 * this long, and no longer. Its reply coming later still (memcached ran it after all) flushes
 * the cache. The bound assumes memcached runs what it receives within it.
 */
#define KVC_REPLY_WAIT_NS 2000000000ULL
/*
 * A fragment of a datagram the cache cannot read may be reassembled up to the reassembly
 * timeout (net.ipv4.ipfrag_time, read at attach: cfg_frag_hold_ns) after it: its window lasts
 * that long and a second more, then the reply wait.
 */
#define KVC_FRAG_HOLD_NS 31000000000ULL
#define KVC_BUCKETS 65536 /* fence buckets: a hash of the key; collisions only refuse more fills */

/*
 * Write windows, per bucket (and one global), each bounded in time. A window counts in the
 * generation it was opened in; once every window counted has ended (replied, or past hold_ms)
 * the next one starts a new generation, so a window whose reply never came stops counting.
 */
struct kvc_win {
	struct bpf_spin_lock lock;
	__u32 gen;     /* 16 bits used */
	__u32 open;    /* windows of this generation not yet closed by their reply */
	__u32 hold_ms; /* they hold fills until then (CLOCK_MONOTONIC ms, 32 bits) */
};

/* Per bucket: writes seen (seq), and the windows of writes not yet known to be applied. */
struct kvc_fence {
	__u64 seq;
	struct kvc_win w;
};

/* Why fills are held until fill_block_until (for stats). */
enum kvc_hold {
	KVC_HOLD_NONE,
	KVC_HOLD_FLUSH_DELAY, /* a flush_all with a delay */
	KVC_HOLD_UNREAD,      /* a datagram not read whole */
	KVC_HOLD_FRAGMENT,    /* a packet whose ports cannot be read (a fragment ...) */
	KVC_HOLD_TCP,	      /* a TCP connection not followed (desync, table full) */
	KVC_HOLD_LATE,	      /* a reply after its window had ended */
	KVC_HOLD_NOT_COUNTED, /* a window that could not be counted */
};

/*
 * A source whose datagram the cache could not read but the kernel may still deliver (a first
 * fragment): the expiries learnt so far are forgotten only if memcached receives a datagram
 * from it (cgroup recvmsg) before the timer removes it.
 */
struct kvc_suspect_key {
	__u32 addr[4];
	__u16 port; /* 0: any (the ports were not read) */
	__u8 v6;
	__u8 pad;
};

struct kvc_suspect {
	struct bpf_timer timer;
	__u64 until_ns;
};

/* What a write told about a key's expiry, kept until the next write to it. */
struct kvc_meta {
	__u64 deadline_ns; /* 0: never expires */
	/*
	 * The epoch it was learnt in: a flush for a write the cache could not read (binary,
	 * meta, a datagram not read whole) may have changed any item's expiry, so what was
	 * learnt before it is not trusted after it.
	 */
	__u64 epoch; /* mepoch */
	__u8 known;  /* 0: cannot be cached (absolute or unknown exptime) */
	__u8 pad[7];
};

/* A GET that missed may fill its keys when its reply leaves, if nothing moved meanwhile. */
struct kvc_ticket_key {
	__u32 addr[4]; /* the client; IPv4 in addr[0] */
	__u16 port;
	__u16 reqid;
	__u32 bucket;
};

struct kvc_ticket {
	__u64 seq, gseq, epoch, mepoch;
};

/* A write over UDP waiting for its reply (which carries the same request id). */
struct kvc_req_key {
	__u32 addr[4];
	__u16 port;
	__u16 reqid;
};

/* The windows a write opened: a bucket in the low 16 bits, its window's generation above. */
struct kvc_pending {
	__u32 bucket[MC_MAX_KEYS];
	__u32 n;
	__u32 all;	/* a global window (flush_all, a write that could not be read) */
	__u32 ggen;	/* the global window's generation */
	__u32 until_ms; /* its windows end then; its reply after that is late */
};

/* TCP: the commands of one connection waiting for their replies, in order. */
#define KVC_FIFO 16
enum kvc_kind {
	KVC_K_LINE = 1,	   /* its reply is one line */
	KVC_K_READ = 2,	   /* VALUE items, then END (get, gets; gat/gats also write) */
	KVC_K_NOREPLY = 3, /* no reply: applied once a later command's reply leaves */
};

struct kvc_entry {
	__u8 kind;
	__u8 n;	  /* buckets whose windows it holds open */
	__u8 all; /* it holds the global window */
	__u8 pad;
	__u32 ggen;
	__u32 until_ms;
	__u32 bucket[MC_MAX_KEYS]; /* as in kvc_pending */
};

struct kvc_conn_key {
	__u32 addr[4];
	__u16 port;
	__u16 pad;
};

struct kvc_conn {
	__u32 next_in;	/* client -> server: next sequence number expected */
	__u32 skip_in;	/* data block bytes still to come before the next command */
	__u32 next_out; /* server -> client */
	__u32 skip_out; /* VALUE data still to come */
	__u32 head, tail;
	__u8 desync; /* lost track: each of its segments flushes and holds fills a while */
	__u8 out_known;
	__u8 pad[6];
	struct kvc_entry q[KVC_FIFO];
};

/*
 * Set by attach. Who the cache may answer is the shared admission's (olab_admit.h: adm_cfg,
 * adm_routes, adm_allow4/6, adm_rate; docs/kvcache.md, "Security model"): all zero answers
 * nobody.
 */
struct kvc_cfg {
	__u8 xsk_handoff; /* 1: what it passes for the port goes to kvc_xsks (an AF_XDP server) */
	__u8 pad[7];
	__u64 netns_cookie; /* memcached's network namespace: whose sockets are watched */
	__u64 max_age_ns;   /* serve an entry at most this long after its fill; 0: no bound */
};

/* What attach did, pinned beside the maps for detach and stats. */
struct kvc_attach_info {
	__u32 ifindex;
	__u32 port;
	__u64 netns;	 /* inode of the network namespace attach ran in */
	char ifname[16]; /* the device's name then: detach finds the pins by it once it is gone */
	__u32 nextra;	 /* the other interfaces it follows writes on */
	__u32 extra_ifindex[15];
};

enum kvc_counter {
	KVC_HIT,
	KVC_MISS,
	KVC_TOO_BIG,
	KVC_NOT_CACHEABLE,
	KVC_PARSE_PASS,
	KVC_INVALIDATION,
	KVC_FILL,
	KVC_FILL_FENCED,
	KVC_DESYNC,	  /* a TCP connection the kvcache lost track of (global window) */
	KVC_NO_ROOM,	  /* a hit whose reply did not fit the frame's room (passed to memcached) */
	KVC_UNREAD_DGRAM, /* a UDP datagram with more than one command, or one not read whole */
	KVC_NOT_LOCAL,	  /* a GET on another device than attach's: memcached decides */
	KVC_SRC_REFUSED,  /* a GET from a source outside the allow-list: memcached decides */
	KVC_RATE_LIMITED, /* a source over its answer rate: memcached decides */
	KVC_BAD_FRAME,	  /* lengths or checksums the kernel would refuse: not answered */
	KVC_UNTRACKED,	  /* a segment of a TCP connection the table had no room for: flush, hold */
	KVC_OPAQUE,	  /* IP fragments or extension headers: flushed, never answered */
	KVC_SERVER_GONE,  /* memcached closed its socket (a stop, a restart): flushed */
	KVC_NO_SERVER,	  /* a GET while memcached is down: not answered */
	KVC_BAD_SRC,	  /* a source the kernel drops (its own, broadcast, ...): not answered */
	KVC_NO_ROUTE,	  /* not from where the kernel would send memcached's reply: not answered */
	KVC_BAD_CSUM,	  /* a UDP checksum the kernel refuses: not answered */
	KVC_IGNORED,	  /* a datagram the kernel drops or memcached ignores: nothing to do */
	KVC_LATE_REPLY,	  /* a reply after its write's window ended: flushed */
	KVC_EXPIRED,	  /* a write window that ended without its reply */
	KVC_NCOUNTERS,
};

#endif
