/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_BPFUTIL_H
#define OLAB_BPFUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CLOCK_MONOTONIC in ns: the clock bpf_ktime_get_ns() reads. */
uint64_t bpfu_now_ns(void);

/* One BPF_PROG_TEST_RUN of prog_fd on pkt with `repeat`; wall time of the syscall in ns. */
int bpfu_test_run(int prog_fd, const void *pkt, size_t len, uint32_t repeat, uint64_t *wall_ns,
		  uint32_t *retval, uint32_t *kernel_ns_per_run);

/*
 * Per-run cost of a test-run loop as the kernel's timer reports it (whole ns, truncated): the
 * loop only, without the syscall and set-up around it. N is calibrated so that the loop runs
 * about target_ns; each sample is one run of N, checked against a run of 2N (equal per-run
 * cost within 25 % or 1 ns). Pairs that fail are kept and *linear is set false.
 */
struct bpfu_tr_opts {
	uint64_t target_ns; /* batch length, e.g. 10 ms */
	int samples;
};
int bpfu_test_run_per_iter(int prog_fd, const void *pkt, size_t len, const struct bpfu_tr_opts *o,
			   double *out, int *nout, bool *linear);

/* run_time_ns and run_cnt of a program (kernel.bpf_stats_enabled or BPF_ENABLE_STATS). */
int bpfu_prog_stats(int prog_fd, uint64_t *run_time_ns, uint64_t *run_cnt);

/*
 * Turn on run-time statistics for as long as the returned fd is open (BPF_ENABLE_STATS):
 * the kernel turns them off again when the fd is closed, even if this process is killed,
 * so the machine's sysctl is never left changed. Returns an fd or -errno.
 */
int bpfu_stats_enable(void);

/* The sum over the CPUs of a per-CPU map's u64 value at key: 0, or -errno. */
int bpfu_percpu_sum(int map_fd, uint32_t key, uint64_t *sum);

#endif
