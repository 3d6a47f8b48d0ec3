/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the isolation experiment: what isolation.c (the sweep, the run), isolation_side.c
 * (the server side: the echo server, the neighbours) and isolation_cap.c (what the machine
 * carries to the neighbour) share. Not for use outside src/exp/isolation.
 */
#ifndef OLAB_ISOLATION_INT_H
#define OLAB_ISOLATION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/echo_server.h"
#include "loadgen/loadgen.h"

#define ECHO_PORT 7100
#define NEIGH_PORT 9100

struct tb;

#define PERIOD_NS 200000ULL /* the neighbour sends one short burst every 200 us */

struct blaster {
	const struct tb *tb;
	double per_period; /* datagrams per PERIOD_NS, fractions carried over; 0: 256 a period */
	uint16_t port;	   /* 0: the XDP neighbour's port */
	const void *msg;   /* NULL: a plain datagram */
	size_t msg_len;
	_Atomic bool stop;
	_Atomic uint64_t sent;
	int err;
	pthread_t th;
};

/*
 * The blaster's pace: how many datagrams to send at now (at most 256), *next moved to the
 * deadline of the next burst; *credit carries fractions over. A burst more than a period late
 * restarts the pace at now, the missed load dropped (never sent back to back).
 */
unsigned int iso_pace(uint64_t now, uint64_t *next, double *credit, double per_period);
int iso_blaster_start(struct blaster *b, uint32_t kpps);
int iso_blaster_stop(struct blaster *b);

/*
 * What the generator's XDP engine (x, on the testbed's generator end) offers the neighbour's
 * port when it sends as fast as it goes for dur_ns (datagrams nobody answers): the sent rate
 * into *offered_kpps. The caller counts what reached the neighbour's program.
 */
int iso_flood_xdp(const struct tb *tb, struct lg_xdp *x, uint64_t dur_ns, double *offered_kpps);

#endif
