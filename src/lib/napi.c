// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/cpu.h"
#include "lib/env.h"
#include "lib/log.h"
#include "lib/napi.h"

/*
 * In a child: this namespace's sysfs, then read (v == 0) or write the threaded setting.
 * Exit status: 0 or 1 (read), 0 (written), 2 no sysfs, 3 no such setting.
 */
static int sysfs_child(const char *ifname, char v)
{
	char path[96], c = 0;
	int fd;

	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 2;
	/* EBUSY: this namespace's sysfs is mounted there already (ip netns exec did) */
	if (mount("sysfs", "/sys", "sysfs", 0, NULL) && errno != EBUSY)
		return 2;
	snprintf(path, sizeof(path), "/sys/class/net/%s/threaded", ifname);
	fd = open(path, v ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return 3;
	if (v ? write(fd, &v, 1) != 1 : read(fd, &c, 1) != 1)
		return 3;
	return v ? 0 : c == '1';
}

static int sysfs_run(const char *ifname, char v)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(sysfs_child(ifname, v));
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status))
		return -ECHILD;
	return WEXITSTATUS(status);
}

char napi_threaded(const char *ifname)
{
	int st = sysfs_run(ifname, 0);

	return st == 0 ? '0' : st == 1 ? '1' : 0;
}

int napi_set_threaded(const char *ifname, char v)
{
	int st = sysfs_run(ifname, v);

	return st < 0 ? st : st ? -EOPNOTSUPP : 0;
}

int napi_threads_named(const char *prefix, int *out, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[64], comm[32];
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)) && n < max) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		if (env_read_line(path, comm, sizeof(comm)))
			continue;
		if (!strncmp(comm, prefix, strlen(prefix)))
			out[n++] = (int)pid;
	}
	closedir(d);
	return n;
}

int napi_thread_pin(const char *ifname, int cpu, bool rt, int *tids, int max)
{
	int before[64], after[64], nb, na, i, j, n = 0, err;
	char prefix[32];

	/* the kthread is named napi/<dev>-<id>; comm holds 15 characters */
	snprintf(prefix, sizeof(prefix), "napi/%s-", ifname);
	prefix[15] = '\0';
	nb = napi_threads_named(prefix, before, 64);
	err = napi_set_threaded(ifname, '1');
	if (err)
		return err;
	na = napi_threads_named(prefix, after, 64);
	for (i = 0; i < na && n < max; i++) {
		struct sched_param sp = { .sched_priority = 10 };

		for (j = 0; j < nb && before[j] != after[i]; j++)
			;
		if (j < nb || cpu_pin_tid(after[i], cpu))
			continue; /* another namespace's device of that name */
		if (rt && sched_setscheduler(after[i], SCHED_FIFO, &sp))
			log_debug("napi thread %d: no real-time priority: %s", after[i],
				  strerror(errno));
		tids[n++] = after[i];
	}
	return n;
}
