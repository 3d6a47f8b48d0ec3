/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ECHO_SERVER_H
#define OLAB_ECHO_SERVER_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "loadgen/loadgen.h"

/* A plain user-space echo server on one thread: the baseline every offload is compared with. */
struct esrv {
	enum lg_l4 l4;
	bool busy; /* spin on non-blocking reads instead of sleeping in poll() */
	int cpu;
	int fd;	  /* UDP socket, or TCP listener */
	int conn; /* current TCP connection */
	pthread_t th;
	bool running;
	_Atomic bool stop;
	_Atomic uint64_t served;
};

/* Bind in the calling thread's network namespace and start serving on a new thread. */
int esrv_start(struct esrv *s, enum lg_l4 l4, const struct sockaddr *addr, socklen_t len, bool busy,
	       int cpu);
void esrv_stop(struct esrv *s);

#endif
