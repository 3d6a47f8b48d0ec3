// SPDX-License-Identifier: GPL-2.0
/*
 * How busy the machine was while something ran: the hypervisor's steal time, the CPU time of
 * processes that are not this run's, and the CPU frequency. On a shared VM these move every
 * figure together; a run records them so that a reader can tell a changed kernel from a
 * noisy neighbour.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/bpfutil.h"
#include "lib/busy.h"

#define PF_KTHREAD 0x00200000u

struct proc_row {
	int pid, ppid;
	unsigned long long ticks;
	bool kthread;
};

/* One /proc/PID/stat: ppid, flags, utime + stime. False when it vanished or is unreadable. */
static bool read_proc(int pid, struct proc_row *row)
{
	char path[64], buf[1024], *p;
	unsigned long long utime, stime;
	unsigned int flags;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "r");
	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: parse after the last ')' */
	p = strrchr(buf, ')');
	if (!p)
		return false;
	/* state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
	if (sscanf(p + 1, " %*c %d %*d %*d %*d %*d %u %*u %*u %*u %*u %llu %llu", &row->ppid,
		   &flags, &utime, &stime) != 4)
		return false;
	row->pid = pid;
	row->ticks = utime + stime;
	row->kthread = flags & PF_KTHREAD;
	return true;
}

/* Whether pid descends from root (inclusive), following ppid links in rows. */
static bool in_tree(const struct proc_row *rows, size_t n, int pid, int root)
{
	int depth;
	size_t i;

	for (depth = 0; depth < 64 && pid > 1; depth++) {
		if (pid == root)
			return true;
		for (i = 0; i < n && rows[i].pid != pid; i++)
			;
		if (i == n)
			return false;
		pid = rows[i].ppid;
	}
	return pid == root;
}

static int cmp_pid(const void *a, const void *b)
{
	const struct busy_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

/* CPU time of user-space processes outside this process's tree, per pid. */
static void others(struct busy_snap *s)
{
	struct proc_row *rows = NULL;
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	DIR *d = opendir("/proc");
	int self = getpid();

	s->nproc = 0;
	if (!d)
		return;
	while ((de = readdir(d))) {
		struct proc_row row;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (!read_proc(atoi(de->d_name), &row)) /* NOLINT: digits checked above */
			continue;
		if (n == cap) {
			struct proc_row *nr = realloc(rows, (cap ? cap * 2 : 256) * sizeof(*nr));

			if (!nr)
				break;
			rows = nr;
			cap = cap ? cap * 2 : 256;
		}
		rows[n++] = row;
	}
	closedir(d);
	for (i = 0; i < n && s->nproc < BUSY_MAX_PROCS; i++) {
		if (rows[i].kthread || in_tree(rows, n, rows[i].pid, self))
			continue;
		s->proc[s->nproc].pid = rows[i].pid;
		s->proc[s->nproc].ticks = rows[i].ticks;
		s->nproc++;
	}
	qsort(s->proc, s->nproc, sizeof(s->proc[0]), cmp_pid);
	free(rows);
}

static double cpu_mhz(void)
{
	char line[256];
	double sum = 0, v;
	int n = 0;
	FILE *f = fopen("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "r");

	if (f) {
		if (fgets(line, sizeof(line), f) && sscanf(line, "%lf", &v) == 1 && v > 0) {
			fclose(f);
			return v / 1000.0;
		}
		fclose(f);
	}
	f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "cpu MHz", 7) && sscanf(strchr(line, ':') + 1, "%lf", &v) == 1) {
			sum += v;
			n++;
		}
	fclose(f);
	return n ? sum / n : NAN;
}

void busy_snap(struct busy_snap *s)
{
	unsigned long long v[10] = { 0 };
	char line[512];
	FILE *f;

	memset(s, 0, sizeof(*s));
	s->t_ns = bpfu_now_ns();
	f = fopen("/proc/stat", "r");
	if (f) {
		if (fgets(line, sizeof(line), f) &&
		    sscanf(line, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]) >= 8) {
			/* guest time is already part of user time: leave it out of the total */
			s->total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
			s->steal = v[7];
			s->valid = true;
		}
		fclose(f);
	}
	others(s);
	s->mhz = cpu_mhz();
	if (!getloadavg(&s->loadavg, 1))
		s->loadavg = NAN;
}

void busy_between(const struct busy_snap *a, const struct busy_snap *b, struct busy_report *r)
{
	unsigned long long other = 0, total;
	size_t i;

	memset(r, 0, sizeof(*r));
	r->seconds = (double)(b->t_ns - a->t_ns) / 1e9;
	r->steal_pct = r->others_pct = NAN;
	r->mhz_min = fmin(a->mhz, b->mhz);
	r->mhz_max = fmax(a->mhz, b->mhz);
	r->loadavg = b->loadavg;
	if (!a->valid || !b->valid || b->total <= a->total)
		return;
	total = b->total - a->total;
	r->steal_pct = 100.0 * (double)(b->steal - a->steal) / (double)total;
	/* a process in both snapshots adds what it used between them; a new one all it used */
	for (i = 0; i < b->nproc; i++) {
		struct busy_proc key = { .pid = b->proc[i].pid }, *old;

		old = bsearch(&key, a->proc, a->nproc, sizeof(a->proc[0]), cmp_pid);
		if (!old)
			other += b->proc[i].ticks;
		else if (b->proc[i].ticks > old->ticks)
			other += b->proc[i].ticks - old->ticks;
	}
	/* /proc/stat and /proc/PID/stat count in the same clock ticks */
	r->others_pct = fmin(100.0, 100.0 * (double)other / (double)total);
	if (r->steal_pct >= BUSY_STEAL_PCT || r->others_pct >= BUSY_OTHERS_PCT) {
		r->busy = true;
		snprintf(r->why, sizeof(r->why),
			 "steal %.0f %%, other processes %.0f %% of the CPUs over %.0f s (warned "
			 "from %d %% steal or %d %% others)",
			 r->steal_pct, r->others_pct, r->seconds, BUSY_STEAL_PCT, BUSY_OTHERS_PCT);
	}
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

json_t *busy_json(const struct busy_report *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "seconds", num(r->seconds));
	json_object_set_new(o, "steal_pct", num(r->steal_pct));
	json_object_set_new(o, "others_cpu_pct", num(r->others_pct));
	json_object_set_new(o, "cpu_mhz_min", num(r->mhz_min));
	json_object_set_new(o, "cpu_mhz_max", num(r->mhz_max));
	json_object_set_new(o, "loadavg_1min", num(r->loadavg));
	json_object_set_new(o, "busy", json_boolean(r->busy));
	json_object_set_new(o, "why", r->busy ? json_string(r->why) : json_null());
	return o;
}
