/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CPU_H
#define OLAB_CPU_H

#include <pthread.h>

/*
 * Pick the generator's and the dut's CPU: two different allowed CPUs where there are two or
 * more, the same one otherwise. Returns the number of distinct CPUs (1 or 2), or -errno.
 */
int cpu_pick_pair(int *gen, int *dut);

/* Pin the calling thread to one CPU; 0 or -errno. */
int cpu_pin_self(int cpu);

/* Pin another thread or task (tid) to one CPU; 0 or -errno. */
int cpu_pin_tid(int tid, int cpu);

/*
 * Clock ticks one CPU spent busy (anything but idle and iowait) and in all, from /proc/stat;
 * the share between two readings is how busy it was. 0 or -errno.
 */
int cpu_ticks(int cpu, unsigned long long *busy, unsigned long long *total);

/* The CPU a task (tid) last ran on (/proc/<tid>/stat), or -errno. */
int cpu_of_task(int tid);

/*
 * What a process's threads have done since they started: voluntary and involuntary context
 * switches summed over /proc/<pid>/task/<tid>/status, and CPU time (user + system, ns).
 * 0 or -errno.
 */
struct cpu_task_stats {
	unsigned long long vol, invol, cpu_ns;
};
int cpu_task_stats(int pid, struct cpu_task_stats *out);

/*
 * The thread of pid whose name (comm) is name, or failing that the one with the most
 * voluntary context switches besides the main thread: a server's worker. tid or -errno.
 */
int cpu_find_thread(int pid, const char *name);

#endif
