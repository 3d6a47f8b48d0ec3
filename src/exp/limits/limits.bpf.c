// SPDX-License-Identifier: GPL-2.0
/* limits: the run-time probes (bpf_loop's limit, the tail-call depth). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u32 loop_n = 1;
long loop_ret;
__u32 tail_runs;

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} self SEC(".maps");

static long nothing(__u32 i, void *c)
{
	return 0;
}

SEC("xdp")
int olab_lim_loop(struct xdp_md *ctx)
{
	loop_ret = bpf_loop(loop_n, nothing, NULL, 0);
	return XDP_PASS;
}

/* tail-calls itself until the kernel stops it; tail_runs counts every run */
SEC("xdp")
int olab_lim_tail(struct xdp_md *ctx)
{
	tail_runs++;
	bpf_tail_call(ctx, &self, 0);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
