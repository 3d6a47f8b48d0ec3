/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What crosses the BPF/user boundary for the XDP engine of the load generator (lg_xdp.bpf.c):
 * requests built by an XDP program that BPF_PROG_RUN runs in live-frames mode on the
 * generator's device, replies matched and timed by an XDP program on the same device.
 */
#ifndef OLAB_LG_XDP_H
#define OLAB_LG_XDP_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define LGX_IDS 65536	  /* request ids: the memcached frame header's 16 bits; slots by seq */
#define LGX_KEY_MAX 64	  /* bytes of one key; every key of a run has the same width */
#define LGX_MULTI_MAX 16  /* keys in one multi-key GET */
#define LGX_HEAD_MAX 1024 /* template bytes written into every frame (headers, fixed text) */
#define LGX_PICK 65536	  /* Zipf: a uniform 16-bit draw -> key index */
#define LGX_GAPS 4096	  /* Poisson: exponential gaps (ns) drawn uniformly */
/* classes timed apart: kv's large values (1), or a raw table's classes (= LG_CLASSES_MAX) */
#define LGX_CLASSES 16
#define LGX_LATE_NS 10000  /* open loop: a request built later than this after its time is late */
#define LGX_EXPIRE_STEPS 8 /* closed loop: oldest requests looked at per full-window slot */
#define LGX_ECHO_MAGIC 0x4f484345U /* = LG_ECHO_MAGIC, the echo codec's first word */
/* raw: bytes of one request's frame (headers and payload; below a page less its headroom) */
#define LGX_RAW_MAX 3072
#define LGX_RAW_ENTRIES 4096 /* raw: distinct requests in one table */
#define LGX_RAW_PORTS 16384  /* raw: source ports, one a slot (a power of two) */
/* = STATS_HIST_BUCKETS of lib/stats.h (checked at compile time in lg_xdp.c) */
#define LGX_HIST_BUCKETS (256 + 56 * 128)

enum lgx_kind {
	LGX_MC = 1,   /* memcached UDP GET: frame header, "get KEY[ KEY...]\r\n" */
	LGX_ECHO = 2, /* echo: magic, seq, padding; the reply is the same datagram */
	LGX_SINK = 3, /* datagrams nobody answers */
	/*
	 * Any UDP payload, from a table (map lgx_raw) drawn through lgx_pick by a hash of seq.
	 * The payload carries no id: the source port does (port_base + slot), and a reply is
	 * matched by the port it comes back to; any server that answers the sender's address
	 * and port will do. A reply that comes in several datagrams counts at its first.
	 */
	LGX_RAW = 4,
};

enum lgx_mode {
	LGX_CLOSED = 1,	 /* at most window requests in flight */
	LGX_FIXED = 2,	 /* open loop, fixed gaps (token bucket: a slot not due is dropped) */
	LGX_POISSON = 3, /* open loop, exponential gaps */
	LGX_FLOOD = 4,	 /* open loop, every slot */
};

/* Per-CPU counters (map lgx_cnt) */
enum lgx_counter {
	LGX_BUILT = 0,	      /* requests written and returned XDP_TX */
	LGX_NOT_DUE = 1,      /* slots dropped: open loop, no request due yet */
	LGX_WINDOW_FULL = 2,  /* slots dropped: closed loop, window full */
	LGX_IDLE = 3,	      /* slots dropped: not armed, or count reached */
	LGX_LATE_SEND = 4,    /* open loop: built more than LGX_LATE_NS after its time */
	LGX_EXPIRED = 5,      /* in flight longer than the timeout, or its id reused while so */
	LGX_ANSWERED = 6,     /* replies matched within the timeout, class 0 */
	LGX_ANSWERED_ALT = 7, /* ... the other classes */
	LGX_UNMATCHED = 8,  /* a datagram to our port from the server's with no request in flight */
	LGX_LATE = 9,	    /* a reply matched after the timeout */
	LGX_PARTIAL = 10,   /* a datagram of a multi-datagram reply, not its last */
	LGX_HITS = 11,	    /* memcached replies carrying a value */
	LGX_MISSES = 12,    /* memcached replies "END" alone */
	LGX_XMIT_SENT = 13, /* frames the device took (tracepoint xdp_devmap_xmit) */
	LGX_XMIT_DROPS = 14, /* frames it refused (a full peer ring) */
	LGX_NCOUNTERS = 15,
};

struct lgx_slot {
	__u64 t0;    /* intended (open loop) or actual (closed loop) send time, ns */
	__u32 seq;   /* the request's number (low 32 bits) */
	__u32 state; /* 0: free; 1 + class while in flight */
};

struct lgx_key {
	__u8 b[LGX_KEY_MAX];
};

struct lgx_tmpl {
	__u8 b[LGX_HEAD_MAX];
};

/* raw: one request, its whole frame (UDP checksum 0: the source port is written per request) */
struct lgx_raw {
	__u32 len; /* bytes of b sent: 42 (Ethernet, IPv4, UDP) + the payload */
	__u32 cls; /* the class its latency is timed in (< LGX_CLASSES) */
	__u8 b[LGX_RAW_MAX];
};

/* Per class and CPU, beside the buckets (map lgx_hsum) */
struct lgx_hsum {
	__u64 n, min, max, sum;
};

/* The run's set-up, written by user space before it arms the engine (global cfg). */
struct lgx_cfg {
	__u32 armed; /* the transmit program builds requests only while set */
	__u32 kind;  /* enum lgx_kind; 0: the receive program passes everything */
	__u32 mode;  /* enum lgx_mode */
	__u32 head_len;
	__u64 gap_ns; /* fixed mode: the gap between two requests */
	__u64 timeout_ns;
	__u64 record_from; /* replies to requests sent before this are counted, not timed */
	__u64 count;	   /* stop building after this many requests (0: no limit) */
	__u64 end_ns;	   /* ... or at this time (0: no limit) */
	__u32 window;	   /* closed loop */
	__u32 id_off;	   /* memcached: the request id (2 bytes, big endian); else seq (4) */
	__u32 key_off;	   /* memcached: the first key */
	__u32 key_w;	   /* memcached: bytes per key */
	__u32 multi;	   /* memcached: keys per GET */
	__u32 nkeys[LGX_CLASSES];
	__u32 key_base[LGX_CLASSES]; /* first entry of each class in lgx_keys */
	__u32 alt_every, alt_pct;    /* class 1: every n-th request, or pct % of them */
	__u32 zipf;		     /* class 0 keys through the pick table */
	__u32 ifindex;		     /* the generator's device (for the transmit counts) */
	__u32 netns;		     /* the inode of its network namespace */
	__u32 slot_mask;    /* a request's slot: seq & slot_mask (LGX_IDS - 1; raw: ports) */
	__u32 port_base;    /* raw: slot s goes out from port port_base + s (host order) */
	__u32 saddr;	    /* our IPv4 address, network order */
	__u16 sport, dport; /* our port, the server's; network order */
};

/* Where the run is (global st); inflight and max_inflight are read by user space. */
struct lgx_state {
	__u64 seq;	/* the next request's number */
	__u64 seq0;	/* the first of this run */
	__u64 next_due; /* open loop: the next request's intended time */
	__u64 oldest;	/* closed loop: the oldest request that may still be in flight */
	__u64 inflight; /* built, not answered nor expired (atomic) */
	__u64 max_inflight;
};

#endif
