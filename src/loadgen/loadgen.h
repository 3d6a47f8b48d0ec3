/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LOADGEN_H
#define OLAB_LOADGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "lib/stats.h"

enum lg_l4 { LG_UDP, LG_TCP };

enum lg_mode {
	LG_CLOSED,  /* keep `outstanding` requests in flight; latency from the actual send */
	LG_FIXED,   /* open loop at a fixed rate; latency from the intended send time */
	LG_POISSON, /* open loop, exponential gaps */
	LG_FLOOD,   /* open loop, as fast as the engine goes (sinks, capacity) */
};

/*
 * The engines behind lg_run(). socket: one pinned thread with a UDP or TCP socket
 * (sendmmsg/recvmmsg). xdp: requests built by an XDP program that BPF_PROG_RUN runs in
 * live-frames mode on the generator's device, replies matched and timed by an XDP program on
 * the same device (UDP over IPv4 only; lg_xdp.c).
 */
enum lg_engine { LG_ENGINE_SOCKET, LG_ENGINE_XDP };
const char *lg_engine_name(enum lg_engine e);

/* What a request is: the XDP engine builds these kinds itself (the socket engine encodes). */
enum lg_kind { LG_KIND_ECHO, LG_KIND_MC, LG_KIND_SINK, LG_KIND_RAW };

/*
 * LG_KIND_RAW: any UDP payloads, for the XDP engine a table of them (the socket engine calls
 * the app's encode/decode). Request seq is req[pick[h(seq) % LG_PICK]], h a hash that spreads
 * seq; every pick entry < n. The payload carries no id: the XDP engine sends each request in
 * flight from a port of its own and matches the reply by the port it comes back to, so any
 * server that answers the sender's address and port can be measured.
 */
#define LG_RAW_PORTS 16384 /* the XDP engine's: one port a request in flight, reused in turn */
#define LG_CLASSES_MAX 16  /* classes a run's latency can be split into (lg_app.nclasses) */
struct lg_raw_req {
	const unsigned char *p;
	uint32_t len;
	uint32_t cls; /* its class (< LG_CLASSES_MAX) where the app has nclasses */
};
struct lg_raw {
	const struct lg_raw_req *req;
	uint32_t n;
	const uint32_t *pick; /* LG_PICK entries */
};

/*
 * A request/reply codec. encode() writes request seq into buf and returns its length (0 when
 * cap is too small); decode() looks at the start of buf (one datagram, or a TCP stream) and
 * returns the bytes one reply takes (setting *seq), 0 when a TCP stream needs more bytes, or
 * -1 for garbage (a datagram is then dropped; a stream is given up on).
 */
/* decode() results besides a length: a reply whose seq is implied, and a part of a reply */
#define LG_SEQ_IN_ORDER UINT32_MAX /* TCP: the oldest request in flight */
#define LG_PARTIAL (-2)		   /* a datagram that is not the last of its reply */

struct lg_app {
	const char *name;
	enum lg_kind kind;
	unsigned int seq_bits; /* 0: decode gives the whole seq; 16: only its low 16 bits */
	size_t (*encode)(const struct lg_app *a, uint32_t seq, unsigned char *buf, size_t cap);
	ssize_t (*decode)(const struct lg_app *a, const unsigned char *buf, size_t len,
			  uint32_t *seq);
	size_t size; /* request size for the echo codec */
	void *ctx;
	/* optional: 1 for requests of the second class, whose latency goes to lat_alt */
	int (*classify)(const struct lg_app *a, uint32_t seq);
	/*
	 * optional, with classify: classify() gives request seq's class, 0..nclasses-1
	 * (nclasses <= LG_CLASSES_MAX), and each reply's latency goes to lat_cls[its class] as
	 * well as to lat (lat_alt is not used). The XDP engine's raw requests are classed by
	 * their table entry's cls. Only where a reply is matched to its own request: the XDP
	 * engine, or a stream (a UDP socket's replies in order would mix classes answered at
	 * different speeds up).
	 */
	unsigned int nclasses;
	const struct lg_raw *raw; /* LG_KIND_RAW: the table the XDP engine sends from */
};

/*
 * The memcached text protocol: get and set over TCP, or over UDP with the 8-byte frame header
 * (request id = seq & 0xffff). Keys are "<prefix><n>" for n < keys (n zero-padded to
 * key_digits digits when set: every key one width, as the XDP engine needs); a set stores
 * value_size bytes; a GET asks for multi keys (1 when 0), drawn uniformly or, with pick (see
 * lg_mc_zipf), by a Zipf law. Replies are checked and counted.
 */
struct lg_mc {
	unsigned int keys;
	unsigned int key_digits;
	unsigned int multi;
	uint32_t *pick;	      /* LG_PICK entries: a uniform 16-bit draw -> key; NULL: uniform */
	unsigned int set_pct; /* share of sets, 0..100 */
	size_t value_size;
	char prefix[24];
	/*
	 * optional second class: every alt_every-th request, or alt_pct % of them (spread by a
	 * hash of seq), asks for alt_prefix<n>, n < alt_keys
	 */
	unsigned int alt_every, alt_pct, alt_keys;
	char alt_prefix[24];
	bool udp;
	uint64_t rng;
	/* what came back */
	uint64_t hits, misses, stored, errors, bad_values;
};
void lg_mc_app(struct lg_app *app, struct lg_mc *mc);
/* Key n of the first (alt false) or second class into buf: its length, 0 if cap is too small. */
size_t lg_mc_key(const struct lg_mc *mc, bool alt, unsigned int n, char *buf, size_t cap);
/* Draw the first class's keys by a Zipf law of exponent s (> 0): mc->pick. 0 or -errno. */
#define LG_PICK 65536
int lg_mc_zipf(struct lg_mc *mc, double s);
void lg_mc_free(struct lg_mc *mc);

/* The echo codec: a 16-byte header (magic, seq, pad) and padding up to app->size. */
extern const struct lg_app lg_echo_app;
/* Datagrams of app->size bytes (the echo header, then padding) that nobody answers. */
extern const struct lg_app lg_sink_app;
#define LG_ECHO_MAGIC 0x4f484345U /* "ECHO" */
#define LG_ECHO_MIN 16

struct lg_opts {
	enum lg_l4 l4;
	struct sockaddr_storage dst;
	socklen_t dstlen;
	enum lg_mode mode;
	double rate;		  /* requests/s for open loop */
	unsigned int outstanding; /* closed loop */
	uint64_t duration_ns;	  /* stop sending after this long ... */
	uint64_t count;		  /* ... or after this many requests (0: no limit) */
	uint64_t timeout_ns;	  /* a request unanswered this long is lost */
	uint64_t warmup_ns;	  /* replies to requests sent earlier are not recorded */
	unsigned int batch;	  /* sendmmsg/recvmmsg batch */
	int cpu;		  /* pin the generator (-1: not pinned) */
	uint64_t seed;		  /* Poisson gaps */
	const struct lg_app *app;
	volatile int *stop;	     /* optional external stop flag */
	struct sockaddr_storage src; /* bind here first when srclen != 0 */
	socklen_t srclen;
	/* called once connected, before the first request (e.g. to set up the server side) */
	int (*after_connect)(void *arg, int fd);
	void *after_connect_arg;
	uint64_t (*clock)(void); /* CLOCK_MONOTONIC ns; replaceable for tests */
	enum lg_engine engine;
	/*
	 * The XDP engine: one opened on the generator's device (lg_xdp_open), kept across runs;
	 * NULL: lg_run opens one for the run on ifname ("" : the device of the route to dst).
	 * batch is then the live-frames batch (1..256): frames leave at the end of theirs, so
	 * latency points want small batches and throughput large ones.
	 */
	struct lg_xdp *xdp;
	char ifname[16];
};

struct lg_result {
	enum lg_engine engine;
	unsigned int batch;
	uint64_t sent, received, lost, bad;
	uint64_t late; /* open loop: sends that left more than 10 us after their time */
	double elapsed_s;
	double offered_rps, achieved_rps; /* the XDP engine offers what it built */
	struct stats_hist *lat;		  /* ns; allocated by lg_run, freed by lg_result_free */
	struct stats_hist *lat_alt;	  /* the second class, when the app classifies */
	struct stats_hist *lat_cls;	  /* per class, when the app has nclasses */
	unsigned int nclasses;
	/* the XDP engine's own counts (zero for the socket engine) */
	struct {
		uint64_t built;	       /* requests written by the transmit program */
		uint64_t not_sent;     /* of those, refused by the device (a full ring) */
		uint64_t not_due;      /* slots dropped: no request due yet (open loop) */
		uint64_t window_full;  /* slots dropped: window full (closed loop) */
		uint64_t unmatched;    /* replies to no request in flight */
		uint64_t late_replies; /* matched after the timeout: lost */
		uint64_t max_inflight;
		bool xmit_counted; /* not_sent known (the transmit tracepoint ran) */
		char dev[16];	   /* the device it ran on */
		double build_ns;   /* the transmit program's cost per request (test-run) */
	} x;
};

void lg_opts_default(struct lg_opts *o);
/* lat_cls for app's nclasses (none when 0): 0, -EINVAL past LG_CLASSES_MAX, -ENOMEM. */
int lg_result_classes(struct lg_result *r, const struct lg_app *app);
/* "198.18.0.2:7", "[::1]:11211" or "host:port" with a numeric host. */
int lg_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);
int lg_run(const struct lg_opts *o, struct lg_result *r);
void lg_result_free(struct lg_result *r);

/*
 * The XDP engine on one device of the calling thread's network namespace, open across runs:
 * its receive program stays on the device's XDP hook (passing everything that is not a reply
 * to it), and with napi_cpu >= 0 the device's NAPI becomes kernel threads pinned to that CPU
 * at a real-time priority (switched back on close). dst_mac: the next hop's MAC, or found in
 * the neighbour table. max_keys: the key table's size (0: 65536). Errors: -EOPNOTSUPP when the
 * device cannot transmit XDP frames (no ndo_xdp_xmit; a veth whose peer runs no XDP), why set.
 */
struct lg_xdp;
struct lg_xdp_dev {
	const char *ifname;
	const uint8_t *dst_mac;
	int napi_cpu;
	unsigned int max_keys;
	unsigned int max_raw; /* LG_KIND_RAW: distinct requests a run may have (0: none) */
};
int lg_xdp_open(const struct lg_xdp_dev *d, struct lg_xdp **out, char *why, size_t whylen);
void lg_xdp_close(struct lg_xdp *x);
/* The device's name and whether its NAPI threads were made by lg_xdp_open (pid of the first). */
const char *lg_xdp_ifname(const struct lg_xdp *x);
int lg_xdp_napi_tid(const struct lg_xdp *x);
/* Whether the device can transmit XDP frames now (ndo_xdp_xmit): 0, or -EOPNOTSUPP, why set. */
int lg_xdp_can_xmit(struct lg_xdp *x, char *why, size_t whylen);
/* The largest frame live-frames mode takes: a page less its headroom and tail (BTF-sized). */
size_t lg_xdp_frame_max(void);
/*
 * Whether the XDP engine can send raw: its table fits (distinct requests, each frame within
 * a page and the MTU of dev in this thread's namespace; "" skips the MTU). 0, or -E2BIG /
 * -EMSGSIZE with why written.
 */
int lg_xdp_raw_fits(const struct lg_raw *raw, const char *dev, char *why, size_t whylen);
/* The XDP engine's run (lg_run calls it for LG_ENGINE_XDP). */
int lg_xdp_run(struct lg_xdp *x, const struct lg_opts *o, struct lg_result *r);

#endif
