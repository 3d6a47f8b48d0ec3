/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVVERIFY_H
#define OLAB_KVVERIFY_H

#include <netinet/in.h>
#include <stdint.h>

/*
 * A verifying memcached client: writers (TCP and UDP) store strictly increasing versions of a
 * small key set, each key owned by one writer; readers (UDP get and multi-get) check that no
 * read returns a version older than one whose write reply had arrived before the read was
 * sent, that a committed key is never missing, and that every value is byte-exact (values
 * carry \r\n and zero bytes). Against memcached alone it must find nothing; the same with a
 * cache in front.
 */
struct kvv_opts {
	struct sockaddr_in server;
	unsigned int keys;	   /* default 16 */
	unsigned int tcp_writers;  /* default 2 */
	unsigned int udp_writers;  /* default 1 */
	unsigned int readers;	   /* default 2 */
	uint64_t min_ops;	   /* stop after this many operations ... */
	uint64_t max_ns;	   /* ... or this long, whichever first */
	unsigned int write_gap_us; /* a writer's pause between writes: read-mostly runs */
	void (*enter)(void *arg);  /* called first in every thread (e.g. enter a namespace) */
	void *enter_arg;
	/*
	 * Of the TCP writers, this many call server_enter instead (e.g. enter the server's own
	 * namespace): their writes reach memcached over loopback, not the cache's device.
	 */
	unsigned int server_side_writers;
	void (*server_enter)(void *arg);
};

struct kvv_result {
	uint64_t reads, writes, read_timeouts;
	uint64_t stale;	  /* a version older than one already committed */
	uint64_t missing; /* a committed key answered with a miss */
	uint64_t corrupt; /* bytes that are not the version's value */
	uint64_t write_errors;
	uint64_t final_mismatch; /* quiescent: a key's last value not the committed one */
	double seconds;
};

void kvv_defaults(struct kvv_opts *o);
/* One line of what a run found, "# "-prefixed for test output, to stdout. */
void kvv_print(const struct kvv_result *r);
/* 0 when the run happened (violations are in r), -errno when it could not. */
int kvv_run(const struct kvv_opts *o, struct kvv_result *r);

#endif
