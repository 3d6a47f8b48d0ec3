// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/bpfutil.h"

uint64_t bpfu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int bpfu_test_run(int prog_fd, const void *pkt, size_t len, uint32_t repeat, uint64_t *wall_ns,
		  uint32_t *retval, uint32_t *kernel_ns_per_run)
{
	unsigned char out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt, .data_size_in = (uint32_t)len,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);
	uint64_t t0, t1;
	int err;

	t0 = bpfu_now_ns();
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	t1 = bpfu_now_ns();
	if (err)
		return -errno;
	if (wall_ns)
		*wall_ns = t1 - t0;
	if (retval)
		*retval = opts.retval;
	if (kernel_ns_per_run)
		*kernel_ns_per_run = opts.duration;
	return 0;
}

int bpfu_test_run_per_iter(int prog_fd, const void *pkt, size_t len, const struct bpfu_tr_opts *o,
			   double *out, int *nout, bool *linear)
{
	uint32_t d1, d2;
	uint64_t n = 1000;
	int err, i, k = 0;

	*linear = true;
	/*
	 * The kernel's own timer covers the loop only; the syscall and the set-up around it
	 * (for XDP an RCU wait of several ms when its memory model is released) stay outside.
	 * Calibrate N so that the loop runs for about target_ns.
	 */
	err = bpfu_test_run(prog_fd, pkt, len, (uint32_t)n, NULL, NULL, &d1);
	if (err)
		return err;
	n = o->target_ns / (d1 ? d1 : 1);
	if (n < 1000)
		n = 1000;
	if (n > (1u << 30))
		n = 1u << 30;
	/* one discarded warm-up pair, then the samples */
	for (i = -1; i < o->samples; i++) {
		err = bpfu_test_run(prog_fd, pkt, len, (uint32_t)n, NULL, NULL, &d1);
		if (!err)
			err = bpfu_test_run(prog_fd, pkt, len, (uint32_t)(2 * n), NULL, NULL, &d2);
		if (err)
			return err;
		if (i < 0)
			continue;
		/*
		 * 2N iterations must take 2x N: equal per-run figures, to 25 % or 1 ns. A pair
		 * that is not is kept and the metric flagged: on a busy VM every pair may fail,
		 * and an empty metric would hide what was measured.
		 */
		if (d2 > d1 + 1 + d1 / 4 || d1 > d2 + 1 + d2 / 4)
			*linear = false;
		out[k++] = (double)d1;
	}
	*nout = k;
	return 0;
}

int bpfu_prog_stats(int prog_fd, uint64_t *run_time_ns, uint64_t *run_cnt)
{
	struct bpf_prog_info info;
	__u32 len = sizeof(info);

	memset(&info, 0, sizeof(info));
	if (bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		return -errno;
	*run_time_ns = info.run_time_ns;
	*run_cnt = info.run_cnt;
	return 0;
}

int bpfu_stats_enable(void)
{
	int fd = bpf_enable_stats(BPF_STATS_RUN_TIME);

	return fd < 0 ? -errno : fd;
}

int bpfu_percpu_sum(int map_fd, uint32_t key, uint64_t *sum)
{
	int ncpu = libbpf_num_possible_cpus(), i, err = 0;
	uint64_t *v;

	*sum = 0;
	if (ncpu <= 0)
		return ncpu < 0 ? ncpu : -EINVAL;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(map_fd, &key, v))
		err = -errno;
	for (i = 0; !err && i < ncpu; i++)
		*sum += v[i];
	free(v);
	return err;
}
