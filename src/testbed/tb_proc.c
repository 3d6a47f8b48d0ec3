// SPDX-License-Identifier: GPL-2.0
/* Processes in the testbed: servers spawned in a namespace, the idle spinner, NAPI threads. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/env.h"
#include "lib/fdwait.h"
#include "lib/log.h"
#include "lib/napi.h"
#include "testbed/testbed.h"

int tb_spawn(struct tb *tb, enum tb_side side, int cpu, char *const argv[])
{
	int slot, fd = side == TB_GEN ? tb->gen.nsfd : tb->dut.nsfd;
	pid_t pid, parent = getpid();

	for (slot = 0; slot < TB_MAX_PROCS && tb->procs[slot]; slot++)
		;
	if (slot == TB_MAX_PROCS)
		return -ENOSPC;
	pid = fork();
	if (pid < 0)
		return log_errno(-errno, "start %s", argv[0]);
	if (pid == 0) {
		/* the child must not run the parent's teardown */
		struct sigaction sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		sigaction(SIGQUIT, &sa, NULL);
		/*
		 * A server dies with the run, even a SIGKILLed one (no handler runs then): the
		 * kernel sends SIGKILL when the parent goes. If it went before this line, go now.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(125);
		if (setns(fd, CLONE_NEWNET))
			_exit(126);
		if (cpu >= 0)
			cpu_pin_tid(0, cpu);
		if (!log_verbose) {
			int nul = open("/dev/null", O_RDWR);

			if (nul >= 0) {
				dup2(nul, STDIN_FILENO);
				dup2(nul, STDOUT_FILENO);
				dup2(nul, STDERR_FILENO);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	tb->procs[slot] = pid;
	return pid;
}

int tb_spin(struct tb *tb, int cpu, uint64_t max_ns)
{
	pid_t pid, parent = getpid();
	int slot;

	for (slot = 0; slot < TB_MAX_PROCS && tb->procs[slot]; slot++)
		;
	if (slot == TB_MAX_PROCS)
		return -ENOSPC;
	pid = fork();
	if (pid < 0)
		return log_errno(-errno, "start a spinner");
	if (pid == 0) {
		struct sched_param sp = { 0 };
		struct timespec ts;
		uint64_t end;
		int i;

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(125);
		if (cpu_pin_tid(0, cpu) || sched_setscheduler(0, SCHED_IDLE, &sp))
			_exit(126);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		end = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec + max_ns;
		for (;;) {
			for (i = 0; i < 4096; i++)
				__asm__ __volatile__("" ::: "memory");
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if ((uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec >= end)
				_exit(0);
		}
	}
	tb->procs[slot] = pid;
	return pid;
}

int tb_which(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH"), *p;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK) ? -ENOENT : 0;
	}
	for (p = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; p && *p;) {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		int w = snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", name);

		if (w > 0 && (size_t)w < len && !access(out, X_OK))
			return 0;
		p = colon ? colon + 1 : NULL;
	}
	return -ENOENT;
}

int tb_stop(struct tb *tb, int pid, int timeout_ms)
{
	int i, status = 0, waited = 0;

	for (i = 0; i < TB_MAX_PROCS && tb->procs[i] != pid; i++)
		;
	if (i == TB_MAX_PROCS)
		return -ESRCH; /* not ours: never signal a process we did not start */
	kill(pid, SIGTERM);
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (waited >= timeout_ms) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			break;
		}
		usleep(10000);
		waited += 10;
	}
	tb->procs[i] = 0;
	return 0;
}

int tb_napi_pin(const struct tb *tb, enum tb_side side, int cpu, bool rt)
{
	const struct tb_end *e = side == TB_GEN ? &tb->gen : &tb->dut;
	int before[64], after[64], nb, na, i, j, status, found = -ENOENT;
	char prefix[32];
	pid_t pid;

	/* the kthread is named napi/<dev>-<id>; comm holds 15 characters */
	snprintf(prefix, sizeof(prefix), "napi/%s-", e->ifname);
	prefix[15] = '\0';
	nb = napi_threads_named(prefix, before, 64);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		/* /sys shows the mounting namespace's devices: mount a private one for ours */
		char path[96];
		int fd;

		if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
		    setns(e->nsfd, CLONE_NEWNET))
			_exit(2);
		/* EBUSY: this namespace's sysfs is mounted there already (ip netns exec did) */
		if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
			_exit(2);
		snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", e->ifname);
		/* off, then on: the thread is created now, after the snapshot, so it is ours */
		fd = open(path, O_WRONLY);
		if (fd < 0)
			_exit(3);
		if (write(fd, "0", 1) != 1)
			_exit(3);
		close(fd);
		fd = open(path, O_WRONLY);
		if (fd < 0 || write(fd, "1", 1) != 1)
			_exit(3);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EOPNOTSUPP;
	na = napi_threads_named(prefix, after, 64);
	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && before[j] != after[i]; j++)
			;
		if (j < nb)
			continue; /* another testbed's thread */
		if (cpu_pin_tid(after[i], cpu) == 0) {
			/*
			 * Softirq NAPI preempts whatever runs on its CPU; a CFS thread would wait
			 * behind a busy-polling server or generator for a time slice. A real-time
			 * priority keeps the softirq behaviour on the chosen CPU.
			 */
			struct sched_param sp = { .sched_priority = 10 };

			if (rt && sched_setscheduler(after[i], SCHED_FIFO, &sp))
				log_debug("napi thread %d: no real-time priority: %s", after[i],
					  strerror(errno));
			found = after[i];
		}
	}
	return found;
}
