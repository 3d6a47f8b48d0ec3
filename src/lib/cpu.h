/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CPU_H
#define OLAB_CPU_H

#include <pthread.h>

/* The CPUs this process may run on, lowest first: n of them written to cpus, count returned. */
int cpu_allowed(int *cpus, int max);

/*
 * Pick the generator's and the dut's CPU: two different allowed CPUs where there are two or
 * more, the same one otherwise. Returns the number of distinct CPUs (1 or 2), or -errno.
 */
int cpu_pick_pair(int *gen, int *dut);

/* Pin the calling thread to one CPU; 0 or -errno. */
int cpu_pin_self(int cpu);

/* Pin another thread or task (tid) to one CPU; 0 or -errno. */
int cpu_pin_tid(int tid, int cpu);

#endif
