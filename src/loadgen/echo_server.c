// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "loadgen/echo_server.h"
#include "lib/cpu.h"
#include "lib/log.h"

#define BATCH 32
#define MAXDGRAM 9000

/* Wait for input: a sleeping server sleeps in poll(), a busy one returns at once. */
static bool ready(struct esrv *s, int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (s->busy)
		return true;
	return poll(&p, 1, 50) > 0;
}

static void serve_udp(struct esrv *s)
{
	static __thread unsigned char bufs[BATCH][MAXDGRAM];
	struct sockaddr_storage from[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iov[BATCH];
	int i, n;

	while (!atomic_load(&s->stop)) {
		if (!ready(s, s->fd))
			continue;
		for (i = 0; i < BATCH; i++) {
			memset(&msgs[i], 0, sizeof(msgs[i]));
			iov[i].iov_base = bufs[i];
			iov[i].iov_len = MAXDGRAM;
			msgs[i].msg_hdr.msg_iov = &iov[i];
			msgs[i].msg_hdr.msg_iovlen = 1;
			msgs[i].msg_hdr.msg_name = &from[i];
			msgs[i].msg_hdr.msg_namelen = sizeof(from[i]);
		}
		n = recvmmsg(s->fd, msgs, BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			continue;
		for (i = 0; i < n; i++)
			iov[i].iov_len = msgs[i].msg_len;
		if (sendmmsg(s->fd, msgs, (unsigned int)n, 0) > 0)
			atomic_fetch_add(&s->served, (uint64_t)n);
	}
}

static void serve_tcp(struct esrv *s)
{
	unsigned char buf[65536];

	while (!atomic_load(&s->stop)) {
		ssize_t n;

		if (s->conn < 0) {
			struct pollfd p = { .fd = s->fd, .events = POLLIN };

			if (poll(&p, 1, 50) <= 0)
				continue;
			s->conn = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (s->conn >= 0) {
				int one = 1;

				/* an echo answers at once: no Nagle delay behind unacked data */
				setsockopt(s->conn, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			}
			continue;
		}
		if (!ready(s, s->conn))
			continue;
		n = recv(s->conn, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
			close(s->conn); /* the client went away: wait for the next one */
			s->conn = -1;
			continue;
		}
		if (n > 0) {
			ssize_t off = 0;

			while (off < n && !atomic_load(&s->stop)) {
				ssize_t w =
					send(s->conn, buf + off, (size_t)(n - off), MSG_NOSIGNAL);

				if (w < 0 && errno != EAGAIN && errno != EINTR)
					break;
				if (w > 0)
					off += w;
			}
			atomic_fetch_add(&s->served, 1);
		}
	}
}

static void *server_thread(void *arg)
{
	struct esrv *s = arg;

	if (s->cpu >= 0)
		cpu_pin_self(s->cpu);
	if (s->l4 == LG_UDP)
		serve_udp(s);
	else
		serve_tcp(s);
	return NULL;
}

int esrv_start(struct esrv *s, enum lg_l4 l4, const struct sockaddr *addr, socklen_t len, bool busy,
	       int cpu)
{
	int one = 1, sz = 4 << 20, err;

	memset(s, 0, sizeof(*s));
	s->l4 = l4;
	s->busy = busy;
	s->cpu = cpu;
	s->conn = -1;
	s->fd = socket(addr->sa_family, (l4 == LG_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
		       0);
	if (s->fd < 0)
		return log_errno(-errno, "create the echo server's socket");
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (bind(s->fd, addr, len) || (l4 == LG_TCP && listen(s->fd, 16))) {
		err = log_errno(-errno, "bind the echo server");
		close(s->fd);
		s->fd = -1;
		return err;
	}
	err = -pthread_create(&s->th, NULL, server_thread, s);
	if (err) {
		close(s->fd);
		s->fd = -1;
		return log_errno(err, "start the echo server thread");
	}
	s->running = true;
	return 0;
}

void esrv_stop(struct esrv *s)
{
	if (s->running) {
		atomic_store(&s->stop, true);
		pthread_join(s->th, NULL);
		s->running = false;
	}
	if (s->conn >= 0)
		close(s->conn);
	if (s->fd >= 0)
		close(s->fd);
	s->conn = s->fd = -1;
}
