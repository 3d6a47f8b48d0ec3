// SPDX-License-Identifier: GPL-2.0
/* Bounded waits that end with a watched input: see fdwait.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/fdwait.h"

static int watched = -1;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ULL + (uint64_t)t.tv_nsec;
}

void fdwait_watch_end(int fd)
{
	watched = fd;
}

/*
 * The end of the watched input, however it shows: POLLHUP for a pipe whose writers are gone
 * (even with bytes still unread), POLLRDHUP for a socket whose peer shut it down, POLLERR or
 * POLLNVAL for a descriptor that is no longer one. Its bytes are never read here: its reader
 * (the agent's request loop) takes them afterwards.
 */
static bool ended(short revents)
{
	return revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL);
}

bool fdwait_ended(void)
{
	struct pollfd p = { .fd = watched, .events = POLLRDHUP };

	return watched >= 0 && poll(&p, 1, 0) == 1 && ended(p.revents);
}

int fdwait(int fd, short events, int timeout_ms)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * 1000000ULL;

	for (;;) {
		struct pollfd p[2] = { { .fd = fd, .events = events },
				       { .fd = watched, .events = POLLRDHUP } };
		uint64_t now = now_ns();
		int n;

		if (now >= end)
			return -ETIMEDOUT;
		n = poll(p, watched >= 0 ? 2 : 1, (int)((end - now + 999999ULL) / 1000000ULL));
		if (n < 0)
			return -errno;
		if (n > 0 && ended(p[1].revents))
			return -EPIPE;
		if (n > 0 && p[0].revents)
			return 0;
	}
}

int fdwait_accept(int lfd, int timeout_ms)
{
	int err = fdwait(lfd, POLLIN, timeout_ms), fd;

	if (err)
		return err;
	/* not blocking here: a connection the listener showed may be gone again (reset) */
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return errno == EAGAIN ? -ECONNABORTED : -errno;
	/* the connection itself blocks, as accept() would have given it */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

const char *fdwait_why(int err, const char *what, int timeout_ms, char *buf, size_t len)
{
	if (err == -ETIMEDOUT)
		snprintf(buf, len, "no %s came within %.3g s", what, timeout_ms / 1000.0);
	else if (err == -EPIPE)
		snprintf(buf, len, "the input ended (the driver is gone) while waiting for a %s",
			 what);
	else if (err == -EINTR)
		snprintf(buf, len, "a signal came while waiting for a %s", what);
	else
		snprintf(buf, len, "wait for a %s: %s", what, strerror(-err));
	return buf;
}
