// SPDX-License-Identifier: GPL-2.0
/*
 * The user's commands on the server's side: the server (started in the dut's namespace,
 * pinned, its output kept in memory for the message when it fails, stopped and reaped) and
 * the --attach/--detach commands (run to their end, or killed after TRY_HOOK_CMD_S).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/termsafe.h"
#include "testbed/testbed.h"
#include "try/try_server.h"

/* fork + exec argv in the dut's namespace (cpu >= 0: pinned), output to a memfd. */
static int spawn(const struct tb *tb, int cpu, char *const argv[], int *out_fd)
{
	pid_t pid, parent = getpid();
	int fd = memfd_create("olab-try-output", MFD_CLOEXEC);

	*out_fd = -1;
	if (fd < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	if (pid == 0) {
		struct sigaction sa;
		int nul;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		sigaction(SIGPIPE, &sa, NULL);
		/* it goes with us, even when we are killed (no handler runs then) */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(125);
		if (setns(tb->dut.nsfd, CLONE_NEWNET))
			_exit(126);
		if (cpu >= 0)
			cpu_pin_tid(0, cpu);
		nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	*out_fd = fd;
	return pid;
}

void try_tail(int fd, char *buf, size_t len)
{
	char raw[TRY_TAIL + 1];
	struct stat st;
	off_t from;
	ssize_t n;
	char *p;

	buf[0] = '\0';
	if (fd < 0 || fstat(fd, &st) || !st.st_size) {
		snprintf(buf, len, "(no output)");
		return;
	}
	from = st.st_size > TRY_TAIL ? st.st_size - TRY_TAIL : 0;
	n = pread(fd, raw, TRY_TAIL, from);
	if (n <= 0) {
		snprintf(buf, len, "(no output)");
		return;
	}
	raw[n] = '\0';
	while (n > 0 && (raw[n - 1] == '\n' || raw[n - 1] == ' '))
		raw[--n] = '\0';
	/* from a line's start when cut; NULs and escapes made harmless for a terminal */
	p = from && memchr(raw, '\n', (size_t)n) ? strchr(raw, '\n') + 1 : raw;
	for (char *c = p; *c; c++)
		if (*c == '\n')
			*c = '|';
	term_safe(buf, len, p);
}

/* Whether something holds port (tcp or udp) on the dut's address, asked in its namespace. */
static bool port_bound(const struct tb *tb, uint16_t port, bool tcp)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	bool taken = false;
	int fd;

	sa.sin_addr.s_addr = tb->dut.addr;
	if (tb_enter(tb, TB_DUT))
		return false;
	fd = socket(AF_INET, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC, 0);
	taken = fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && errno == EADDRINUSE;
	if (fd >= 0)
		close(fd);
	tb_leave(tb);
	return taken;
}

/* The exit of pid as words: "exited with status 2", "was killed by signal 9". */
static void exit_words(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(status));
	else
		snprintf(buf, len, "ended");
}

int try_server_start(struct try_server *s, const struct tb *tb, const struct try_argv *a,
		     uint16_t port, bool tcp, int cpu, char *why, size_t whylen)
{
	char tail[TRY_TAIL + 64], how[48];
	int status, i;

	memset(s, 0, sizeof(*s));
	s->out_fd = -1;
	if (port_bound(tb, port, tcp)) {
		snprintf(why, whylen,
			 "%s port %u on %s is taken already, before the server started: another "
			 "server would answer our requests",
			 tcp ? "TCP" : "UDP", port, tb->dut.ip);
		return -EADDRINUSE;
	}
	s->pid = spawn(tb, cpu, a->argv, &s->out_fd);
	if (s->pid < 0) {
		int err = s->pid;

		s->pid = 0;
		snprintf(why, whylen, "start the server %s: %s", a->argv[0], strerror(-err));
		return err;
	}
	/* it has TRY_READY_S to open its port; it may exit first */
	for (i = 0; i < TRY_READY_S * 50; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			exit_words(status, how, sizeof(how));
			try_tail(s->out_fd, tail, sizeof(tail));
			snprintf(why, whylen,
				 "the server %s before it opened %s port %u; its last output: %s",
				 how, tcp ? "TCP" : "UDP", port, tail);
			try_server_stop(s);
			return -ECHILD;
		}
		if (port_bound(tb, port, tcp))
			return 0;
		usleep(20000);
	}
	try_tail(s->out_fd, tail, sizeof(tail));
	snprintf(why, whylen,
		 "the server did not open %s port %u on %s within %d s (does it take {port} and "
		 "{addr}?); it was stopped; its last output: %s",
		 tcp ? "TCP" : "UDP", port, tb->dut.ip, TRY_READY_S, tail);
	try_server_stop(s);
	return -ETIMEDOUT;
}

int try_server_alive(struct try_server *s, char *why, size_t whylen)
{
	char tail[TRY_TAIL + 64], how[48];
	int status;

	if (!s->pid) {
		snprintf(why, whylen, "the server is not running");
		return -ECHILD;
	}
	if (waitpid(s->pid, &status, WNOHANG) != s->pid)
		return 0;
	s->pid = 0;
	exit_words(status, how, sizeof(how));
	try_tail(s->out_fd, tail, sizeof(tail));
	snprintf(why, whylen, "the server %s during the run; its last output: %s", how, tail);
	return -ECHILD;
}

void try_server_stop(struct try_server *s)
{
	int status, i;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		for (i = 0; i < 200 && waitpid(s->pid, &status, WNOHANG) == 0; i++)
			usleep(10000);
		if (i == 200) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &status, 0);
		}
	}
	s->pid = 0;
	if (s->out_fd >= 0)
		close(s->out_fd);
	s->out_fd = -1;
}

int try_cmd_run(const struct tb *tb, const struct try_argv *a, char *tail, size_t taillen)
{
	int fd, status = 0, i;
	pid_t pid = spawn(tb, -1, a->argv, &fd);
	char how[48];

	tail[0] = '\0';
	if (pid < 0) {
		snprintf(tail, taillen, "could not start it: %s", strerror(-pid));
		return pid;
	}
	for (i = 0; i < TRY_HOOK_CMD_S * 100; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	if (i == TRY_HOOK_CMD_S * 100) {
		char out[TRY_TAIL + 64];

		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		try_tail(fd, out, sizeof(out));
		snprintf(tail, taillen,
			 "it did not end within %d s and was killed; its last output: %s",
			 TRY_HOOK_CMD_S, out);
		close(fd);
		return -ETIMEDOUT;
	}
	exit_words(status, how, sizeof(how));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		close(fd);
		return 0;
	}
	{
		char out[TRY_TAIL + 64];

		try_tail(fd, out, sizeof(out));
		snprintf(tail, taillen, "it %s; its last output: %s", how, out);
	}
	close(fd);
	return -EIO;
}
