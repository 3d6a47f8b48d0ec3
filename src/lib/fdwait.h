/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_FDWAIT_H
#define OLAB_FDWAIT_H

/*
 * Waits with a bound in time that also end when a watched input ends: the agent waits for a
 * connection no longer than it says, and not at all once its driver is gone (its standard
 * input ended). Without a watched input (a run on one host) they are plain bounded waits.
 */

#include <stdbool.h>
#include <stddef.h>

/* A generator connects before it asks the server's side to accept: this is ample. */
#define FDWAIT_ACCEPT_MS 10000

/* The input whose end (hang-up) ends every wait from now on; -1: none. */
void fdwait_watch_end(int fd);
/* Whether the watched input has ended (without waiting). */
bool fdwait_ended(void);
/*
 * fd ready for events within timeout_ms: 0; -ETIMEDOUT; -EPIPE: the watched input ended;
 * -EINTR: a signal came (the caller looks at why); or another -errno.
 */
int fdwait(int fd, short events, int timeout_ms);
/* The next connection on the listening socket lfd (SOCK_CLOEXEC), or -errno as fdwait. */
int fdwait_accept(int lfd, int timeout_ms);
/* A failed wait of timeout_ms for what ("TCP connection") in words, into buf; buf. */
const char *fdwait_why(int err, const char *what, int timeout_ms, char *buf, size_t len);

#endif
