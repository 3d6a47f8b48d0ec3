/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_NAPI_H
#define OLAB_NAPI_H

#include <stdbool.h>

/*
 * Threaded NAPI of a device in the calling thread's network namespace. /sys shows the devices
 * of the namespace it was mounted in, so each call mounts a sysfs of its own in a child process
 * with a private mount namespace: the host's /sys is left as it is.
 */

/* The device's threaded setting: '0' or '1', or 0 when it cannot be read. */
char napi_threaded(const char *ifname);
/* Set it ('0' or '1'); 0 or -errno. A veth takes it only while it has NAPI (XDP attached). */
int napi_set_threaded(const char *ifname, char v);
/* pids of kernel threads whose name starts with prefix, into out (at most max): how many */
int napi_threads_named(const char *prefix, int *out, int max);

/*
 * Switch the device's NAPI (threaded off now) to kernel threads and pin the threads this
 * creates to cpu, at a real-time priority when rt (so that, like softirq, they preempt a busy
 * task there at once). Their tids go to tids (at most max). Returns how many were pinned, or
 * -errno.
 */
int napi_thread_pin(const char *ifname, int cpu, bool rt, int *tids, int max);

#endif
