// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy (paper Table 6): 1 KB copied inside BPF in every way this kernel offers: byte-wise
 * (what clang emits for char buffers it cannot prove aligned), 8 bytes at a time, and through
 * helpers that copy in native kernel code. Each program copies MC_REPS times.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "exp/memcpy/memcpy.h"

#define BARRIER() asm volatile("" ::: "memory")

struct unaligned usrc, udst;
__u64 asrc[MC_LEN / 8], adst[MC_LEN / 8];

SEC("xdp")
int mc_none(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MC_REPS; i++)
		BARRIER();
	return XDP_PASS;
}

SEC("xdp")
int mc_bytes(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MC_REPS; i++) {
		__builtin_memcpy(udst.b, usrc.b, MC_LEN);
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int mc_u64(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MC_REPS; i++) {
		__builtin_memcpy(adst, asrc, MC_LEN);
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int mc_probe_read(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MC_REPS; i++) {
		if (bpf_probe_read_kernel(adst, MC_LEN, asrc))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int mc_xdp_load(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MC_REPS; i++) {
		if (bpf_xdp_load_bytes(ctx, 0, adst, MC_LEN))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int mc_dynptr(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	int i;

	if (bpf_dynptr_from_mem(asrc, MC_LEN, 0, &d))
		return XDP_ABORTED;
	for (i = 0; i < MC_REPS; i++) {
		if (bpf_dynptr_read(adst, MC_LEN, &d, 0, 0))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
