// SPDX-License-Identifier: GPL-2.0
/*
 * memcpy (paper Table 6): 1 KB copied inside BPF in every way this kernel offers: byte-wise
 * (what clang emits for char buffers it cannot prove aligned), 8 bytes at a time, and through
 * helpers that copy in native kernel code. Each program copies MEMCPY_REPS times.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "exp/memcpy/memcpy.h"

#define BARRIER() asm volatile("" ::: "memory")

struct unaligned usrc, udst;
__u64 asrc[MEMCPY_LEN / 8], adst[MEMCPY_LEN / 8];

SEC("xdp")
int olab_memcpy_none(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MEMCPY_REPS; i++)
		BARRIER();
	return XDP_PASS;
}

SEC("xdp")
int olab_memcpy_bytes(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MEMCPY_REPS; i++) {
		__builtin_memcpy(udst.b, usrc.b, MEMCPY_LEN);
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int olab_memcpy_u64(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MEMCPY_REPS; i++) {
		__builtin_memcpy(adst, asrc, MEMCPY_LEN);
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int olab_memcpy_probe(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MEMCPY_REPS; i++) {
		if (bpf_probe_read_kernel(adst, MEMCPY_LEN, asrc))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int olab_memcpy_xdpld(struct xdp_md *ctx)
{
	int i;

	for (i = 0; i < MEMCPY_REPS; i++) {
		if (bpf_xdp_load_bytes(ctx, 0, adst, MEMCPY_LEN))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

SEC("xdp")
int olab_memcpy_dynptr(struct xdp_md *ctx)
{
	struct bpf_dynptr d;
	int i;

	if (bpf_dynptr_from_mem(asrc, MEMCPY_LEN, 0, &d))
		return XDP_ABORTED;
	for (i = 0; i < MEMCPY_REPS; i++) {
		if (bpf_dynptr_read(adst, MEMCPY_LEN, &d, 0, 0))
			return XDP_ABORTED;
		BARRIER();
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
