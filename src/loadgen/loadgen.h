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
	unsigned int seq_bits; /* 0: decode gives the whole seq; 16: only its low 16 bits */
	size_t (*encode)(const struct lg_app *a, uint32_t seq, unsigned char *buf, size_t cap);
	ssize_t (*decode)(const struct lg_app *a, const unsigned char *buf, size_t len,
			  uint32_t *seq);
	size_t size; /* request size for the echo codec */
	void *ctx;
	/* optional: 1 for requests of the second class, whose latency goes to lat_alt */
	int (*classify)(const struct lg_app *a, uint32_t seq);
};

/*
 * The memcached text protocol: get and set over TCP, or over UDP with the 8-byte frame header
 * (request id = seq & 0xffff). Keys are "<prefix><n>" for n < keys; a set stores value_size
 * bytes. Replies are checked and counted.
 */
struct lg_mc {
	unsigned int keys;
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

/* The echo codec: a 16-byte header (magic, seq, pad) and padding up to app->size. */
extern const struct lg_app lg_echo_app;
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
};

struct lg_result {
	uint64_t sent, received, lost, bad;
	uint64_t late; /* open loop: sends that left more than 10 us after their time */
	double elapsed_s;
	double offered_rps, achieved_rps;
	struct stats_hist *lat;	    /* ns; allocated by lg_run, freed by lg_result_free */
	struct stats_hist *lat_alt; /* the second class, when the app classifies */
};

void lg_opts_default(struct lg_opts *o);
/* "198.18.0.2:7", "[::1]:11211" or "host:port" with a numeric host. */
int lg_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *len);
int lg_run(const struct lg_opts *o, struct lg_result *r);
void lg_result_free(struct lg_result *r);

#endif
