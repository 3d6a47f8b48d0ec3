// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's waits for the network: bounded in time, and over as soon as the watched input
 * (its driver) ends, whatever else is waited for.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/fdwait.h"

/* A TCP listener on loopback; its port in *port. */
static int listener(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &l), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static void test_accept(void **state)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int in[2], lfd, c, fd;
	uint16_t port;

	(void)state;
	assert_int_equal(pipe(in), 0);
	fdwait_watch_end(in[0]);
	lfd = listener(&port);
	/* nothing comes: a timeout, not a wait for ever */
	assert_int_equal(fdwait_accept(lfd, 50), -ETIMEDOUT);
	assert_false(fdwait_ended());
	/* a connection that came is taken, and blocks as accept() would give it */
	a.sin_port = htons(port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	fd = fdwait_accept(lfd, 60000);
	assert_true(fd >= 0);
	close(fd);
	close(c);
	/* bytes on the watched input are not its end (the next request, read afterwards) */
	assert_int_equal(write(in[1], "x", 1), 1);
	assert_int_equal(fdwait_accept(lfd, 50), -ETIMEDOUT);
	/*
	 * the input ends: the wait is over at once, not at its bound (a minute: a wait that ran
	 * into it would fail this test by its result, -ETIMEDOUT, not by a clock)
	 */
	close(in[1]);
	assert_true(fdwait_ended());
	assert_int_equal(fdwait_accept(lfd, 60000), -EPIPE);
	assert_int_equal(fdwait(lfd, POLLIN, 60000), -EPIPE);
	fdwait_watch_end(-1);
	assert_false(fdwait_ended());
	assert_int_equal(fdwait_accept(lfd, 10), -ETIMEDOUT);
	close(in[0]);
	close(lfd);
}

/* A socket as the watched input (ssh may hand one): its peer's shutdown is its end. */
static void test_socket_end(void **state)
{
	int sp[2], lfd;
	uint16_t port;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	fdwait_watch_end(sp[0]);
	lfd = listener(&port);
	assert_int_equal(fdwait_accept(lfd, 20), -ETIMEDOUT);
	assert_int_equal(shutdown(sp[1], SHUT_WR), 0);
	assert_int_equal(fdwait_accept(lfd, 60000), -EPIPE);
	fdwait_watch_end(-1);
	close(sp[0]);
	close(sp[1]);
	close(lfd);
}

static void test_why(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(fdwait_why(-ETIMEDOUT, "TCP connection", 10000, buf, sizeof(buf)),
			    "no TCP connection came within 10 s");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accept),
		cmocka_unit_test(test_socket_end),
		cmocka_unit_test(test_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
