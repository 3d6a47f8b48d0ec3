/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the isolation experiment: what isolation.c (the sweep, the run), isolation_side.c
 * (the kvcache neighbour's server side, the agent's end) and isolation_cap.c (what the machine
 * carries to the neighbour) share. Not for use outside src/exp/isolation.
 */
#ifndef OLAB_ISOLATION_INT_H
#define OLAB_ISOLATION_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvcache/kvc.h"
#include "loadgen/echo_server.h"
#include "loadgen/loadgen.h"

#define ECHO_PORT 7100
#define NEIGH_PORT 9100

struct tb;
struct bpf_link;
struct isolation_bpf;

/* The server's side: the neighbour's XDP and the echo server on the dut's device. */
int iso_side_up(struct isolation_bpf *skel, const struct tb *tb, struct bpf_link **xdp,
		struct esrv *srv, int *napi);

/* The kvcache neighbour's server side: memcached with the cache attached, on the dut. */
struct kvc_nb {
	struct kvc k;
	int pid;
};
int kvc_nb_up(struct tb *tb, struct kvc_nb *n, char *why, size_t whylen);
void kvc_nb_down(struct tb *tb, struct kvc_nb *n);
uint64_t kvc_nb_hits(struct kvc_nb *n);

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

int iso_blaster_start(struct blaster *b, uint32_t kpps);
int iso_blaster_stop(struct blaster *b);

/*
 * What the generator's XDP engine (x, on the testbed's generator end) offers the neighbour's
 * port when it sends as fast as it goes for dur_ns (datagrams nobody answers): the sent rate
 * into *offered_kpps. The caller counts what reached the neighbour's program.
 */
int iso_flood_xdp(const struct tb *tb, struct lg_xdp *x, uint64_t dur_ns, double *offered_kpps);

#endif
