// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "lib/cpu.h"

int cpu_allowed(int *cpus, int max)
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
