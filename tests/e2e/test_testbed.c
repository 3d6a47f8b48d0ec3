// SPDX-License-Identifier: GPL-2.0
/* The testbed's lifecycle: create, carry traffic, tear down, and clean up after a dead run. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testbed/testbed.h"

static bool ns_exists(const char *name)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", TB_NETNS_DIR, name);
	return stat(path, &st) == 0;
}

static void test_create_carry_destroy(void **state)
{
	struct sockaddr_in dut = { .sin_family = AF_INET, .sin_port = htons(40100) };
	struct timeval tv = { .tv_sec = 2 };
	char buf[16] = { 0 };
	struct tb tb;
	int rx, tx;

	(void)state;
	assert_int_equal(tb_create(&tb), 0);
	assert_true(ns_exists(tb.gen.ns) && ns_exists(tb.dut.ns));
	assert_int_equal(tb_count(getpid()), 2);
	assert_true(tb.gen.ifindex > 0 && tb.dut.ifindex > 0);
	assert_memory_not_equal(tb.gen.mac, tb.dut.mac, 6);
	assert_true(strncmp(tb.dut.ip, "198.18.", 7) == 0);

	/* a datagram from the generator reaches a socket in the dut */
	dut.sin_addr.s_addr = tb.dut.addr;
	assert_int_equal(tb_enter(&tb, TB_DUT), 0);
	rx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(rx >= 0);
	assert_int_equal(bind(rx, (struct sockaddr *)&dut, sizeof(dut)), 0);
	setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	assert_int_equal(tb_enter(&tb, TB_GEN), 0);
	tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_int_equal(tb_leave(&tb), 0);
	assert_int_equal(sendto(tx, "olab", 4, 0, (struct sockaddr *)&dut, sizeof(dut)), 4);
	assert_int_equal(recv(rx, buf, sizeof(buf), 0), 4);
	assert_string_equal(buf, "olab");
	/* the host namespace cannot reach it: the testbed is isolated */
	{
		int h = socket(AF_INET, SOCK_DGRAM, 0);

		assert_true(sendto(h, "x", 1, 0, (struct sockaddr *)&dut, sizeof(dut)) < 0 ||
			    recv(rx, buf, sizeof(buf), MSG_DONTWAIT) < 0);
		close(h);
	}
	close(rx);
	close(tx);

	tb_destroy(&tb);
	assert_false(ns_exists(tb.gen.ns) || ns_exists(tb.dut.ns));
	assert_int_equal(tb_count(getpid()), 0);
	tb_destroy(&tb); /* twice is harmless */
}

/* A child creates a testbed and is killed with SIGKILL; the next cleanup removes its leftovers
 * and leaves a live process's testbed alone. */
/* A child process that has made its testbed and waits to be killed; its pid. */
static pid_t child_with_testbed(void)
{
	int pipefd[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(pipefd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct tb tb;

		close(pipefd[0]);
		if (tb_create(&tb))
			_exit(1);
		if (write(pipefd[1], "u", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(pipefd[1]);
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(pipefd[0]);
	return pid;
}

static void test_stale_cleanup_after_sigkill(void **state)
{
	struct tb mine;
	int status;
	pid_t pid;

	(void)state;
	pid = child_with_testbed();
	assert_int_equal(tb_count(pid), 2);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	/* SIGKILL runs no handler: the namespaces are still there */
	assert_int_equal(tb_count(pid), 2);

	assert_int_equal(tb_create(&mine), 0);
	assert_true(tb_cleanup_stale() >= 2);
	assert_int_equal(tb_count(pid), 0);
	assert_int_equal(tb_count(getpid()), 2); /* ours is alive and stays */
	tb_destroy(&mine);
}

/* SIGTERM mid-run: the handler removes the namespaces before the process dies. */
static void test_sigterm_tears_down(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = child_with_testbed();
	assert_int_equal(tb_count(pid), 2);
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_int_equal(tb_count(pid), 0);
}

static int dut_sees_its_veth(void *arg)
{
	const struct tb *tb = arg;

	return (int)if_nametoindex(tb->dut.ifname);
}

/* Functions and processes run inside a side's namespace; teardown stops the processes. */
static void test_run_in_and_spawn(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	char want[64], got[64], path[64];
	struct stat st;
	int pid, status;
	struct tb tb;
	ssize_t n;

	(void)state;
	assert_int_equal(tb_create(&tb), 0);
	/* the dut's veth is visible inside the dut and not in the host */
	assert_int_equal(tb_run_in(&tb, TB_DUT, dut_sees_its_veth, &tb), tb.dut.ifindex);
	assert_int_equal(if_nametoindex(tb.dut.ifname), 0);

	pid = tb_spawn(&tb, TB_DUT, tb.dut_cpu, argv);
	assert_true(pid > 0);
	/* the child's network namespace is the dut's */
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	for (n = -1; n < 0 && kill(pid, 0) == 0;) {
		n = readlink(path, got, sizeof(got) - 1);
		if (n > 0) {
			got[n] = '\0';
			snprintf(path, sizeof(path), "%s/%s", TB_NETNS_DIR, tb.dut.ns);
			assert_int_equal(stat(path, &st), 0);
			snprintf(want, sizeof(want), "net:[%lu]", (unsigned long)st.st_ino);
			if (strcmp(got, want)) { /* exec may not have happened yet */
				usleep(10000);
				snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
				n = -1;
			}
		}
	}
	assert_string_equal(got, want);
	/* a pid the testbed did not start is never signalled */
	assert_int_equal(tb_stop(&tb, getppid(), 10), -ESRCH);
	/* teardown kills what it started */
	tb_destroy(&tb);
	assert_int_equal(waitpid(pid, &status, WNOHANG), -1); /* already reaped */
	assert_int_equal(kill(pid, 0), -1);
	assert_int_equal(tb_count(getpid()), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_carry_destroy),
		cmocka_unit_test(test_stale_cleanup_after_sigkill),
		cmocka_unit_test(test_sigterm_tears_down),
		cmocka_unit_test(test_run_in_and_spawn),
	};

	return cmocka_run_group_tests_name("testbed", tests, NULL, NULL);
}
