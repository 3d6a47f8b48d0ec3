// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/cpu.h"

/* The CPUs this process may run on, lowest first: n of them written to cpus, count returned. */
static int cpu_allowed(int *cpus, int max)
{
	cpu_set_t set;
	int i, n = 0;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set))
		return -errno;
	for (i = 0; i < CPU_SETSIZE && n < max; i++)
		if (CPU_ISSET(i, &set))
			cpus[n++] = i;
	return n;
}

int cpu_pick_pair(int *gen, int *dut)
{
	int cpus[2], n = cpu_allowed(cpus, 2);

	if (n < 0)
		return n;
	if (n == 0)
		return -ENODEV;
	*gen = cpus[0];
	*dut = n > 1 ? cpus[1] : cpus[0];
	return n;
}

int cpu_pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return -pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int cpu_pin_tid(int tid, int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(tid, sizeof(set), &set))
		return -errno;
	return 0;
}

/* /proc/<pid>/task/<tid>/stat: the fields after the command's closing parenthesis */
static int task_stat(int pid, int tid, unsigned long long *cpu_ns, int *last_cpu)
{
	char path[64], buf[1024], *p;
	unsigned long long ut = 0, st = 0;
	int cpu = -1, field;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* the name may hold spaces and parentheses */
	if (!p)
		return -EINVAL;
	/* field 3 (state) follows; utime is 14, stime 15, processor 39 */
	for (field = 3, p += 2; *p && field <= 39; field++) {
		if (field == 14)
			ut = strtoull(p, NULL, 10);
		else if (field == 15)
			st = strtoull(p, NULL, 10);
		else if (field == 39)
			cpu = atoi(p);
		p = strchr(p, ' ');
		if (!p)
			break;
		p++;
	}
	if (cpu_ns)
		*cpu_ns = (ut + st) * (1000000000ULL / (unsigned long long)sysconf(_SC_CLK_TCK));
	if (last_cpu)
		*last_cpu = cpu;
	return cpu >= 0 ? 0 : -EINVAL;
}

int cpu_of_task(int tid)
{
	int cpu, err = task_stat(tid, tid, NULL, &cpu);

	return err ? err : cpu;
}

/* "voluntary_ctxt_switches:\t123" lines of one task's status */
static void task_switches(int pid, int tid, unsigned long long *vol, unsigned long long *invol)
{
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	f = fopen(path, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "voluntary_ctxt_switches:", 24))
			*vol += strtoull(line + 24, NULL, 10);
		else if (!strncmp(line, "nonvoluntary_ctxt_switches:", 27))
			*invol += strtoull(line + 27, NULL, 10);
	}
	fclose(f);
}

/* Call fn for every thread of pid; returns how many there were, or -errno. */
static int each_task(int pid, void (*fn)(int pid, int tid, void *arg), void *arg)
{
	char path[64];
	struct dirent *de;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		int tid = atoi(de->d_name);

		if (tid > 0) {
			fn(pid, tid, arg);
			n++;
		}
	}
	closedir(d);
	return n;
}

static void add_task(int pid, int tid, void *arg)
{
	struct cpu_task_stats *s = arg;
	unsigned long long ns = 0;

	task_switches(pid, tid, &s->vol, &s->invol);
	if (!task_stat(pid, tid, &ns, NULL))
		s->cpu_ns += ns;
}

int cpu_task_stats(int pid, struct cpu_task_stats *out)
{
	int n;

	memset(out, 0, sizeof(*out));
	n = each_task(pid, add_task, out);
	return n < 0 ? n : 0;
}

struct find_thread {
	const char *name;
	int named, busiest;
	unsigned long long most;
};

static void pick_thread(int pid, int tid, void *arg)
{
	struct find_thread *ft = arg;
	unsigned long long vol = 0, invol = 0;
	char path[64], comm[32] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/comm", pid, tid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = '\0';
		fclose(f);
	}
	if (ft->name && !strcmp(comm, ft->name) && !ft->named)
		ft->named = tid;
	task_switches(pid, tid, &vol, &invol);
	if (tid != pid && (!ft->busiest || vol > ft->most)) {
		ft->busiest = tid;
		ft->most = vol;
	}
}

int cpu_find_thread(int pid, const char *name)
{
	struct find_thread ft = { .name = name };
	int n = each_task(pid, pick_thread, &ft);

	if (n < 0)
		return n;
	if (ft.named)
		return ft.named;
	return ft.busiest ? ft.busiest : -ESRCH;
}

int cpu_ticks(int cpu, unsigned long long *busy, unsigned long long *total)
{
	char want[16], line[512];
	FILE *f = fopen("/proc/stat", "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	snprintf(want, sizeof(want), "cpu%d ", cpu);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[8] = { 0 };
		int i;

		if (strncmp(line, want, strlen(want)))
			continue;
		/* user nice system idle iowait irq softirq steal */
		if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) < 4)
			break;
		*total = 0;
		for (i = 0; i < 8; i++)
			*total += v[i];
		*busy = *total - v[3] - v[4];
		err = 0;
		break;
	}
	fclose(f);
	return err;
}
