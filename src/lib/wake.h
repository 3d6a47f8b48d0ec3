/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_WAKE_H
#define OLAB_WAKE_H

#include <stdint.h>

#include "lib/stats.h"

/*
 * Wake-up latency of up to WAKE_SLOTS chosen threads (a server's worker, a NAPI thread): from
 * sched_waking (the waker's try_to_wake_up, so a cross-CPU interrupt's delivery is in it) to
 * the sched_switch that runs it, and how many of the wake-ups found their CPU
 * idle (a halted vCPU the hypervisor must wake first). Tracing programs (tp_btf).
 */
#define WAKE_SLOTS 2

struct wake_bpf;
/* Loaded and attached, or NULL where tp_btf is refused. */
struct wake_bpf *wake_open(void);
void wake_close(struct wake_bpf *s);
/* Start over with these threads (tid <= 0: the slot watches nothing). */
void wake_watch(struct wake_bpf *s, const int tids[WAKE_SLOTS]);
void wake_unwatch(struct wake_bpf *s, const int tids[WAKE_SLOTS]);
/* The latencies of slot since wake_watch into out; its wake-ups and those onto an idle CPU. */
void wake_read(struct wake_bpf *s, unsigned int slot, struct stats_samples *out, uint64_t *n,
	       uint64_t *idle);

#endif
