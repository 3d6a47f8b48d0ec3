// SPDX-License-Identifier: GPL-2.0
/* jit: Fibonacci (compute) and summing the first 64 bytes of the packet X times (memory). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "exp/jit/jitcode.h"

/* inputs, changed between points while loaded (not .rodata: the verifier must not fold) */
__u32 fib_n = 10;
__u32 sum_x = 1;
__u64 sink;

/*
 * The repetitions run under bpf_loop: its callback is verified once, where a loop around the
 * Fibonacci loop would make the verifier walk every pair of trip counts (over its budget).
 * The empty programs pay the same bpf_loop and are subtracted.
 */
struct rep {
	__u64 acc;
	void *data;
};

static long rep_empty(__u32 i, struct rep *c)
{
	__u32 v = fib_n;

	JIT_OPAQUE(v);
	c->acc += v;
	return 0;
}

static long rep_fib(__u32 i, struct rep *c)
{
	__u32 v = fib_n;

	JIT_OPAQUE(v);
	c->acc += jit_fib(v);
	return 0;
}

static long rep_sum_empty(__u32 i, struct rep *c)
{
	__u32 x = sum_x;

	JIT_OPAQUE(x);
	c->acc += x;
	return 0;
}

SEC("xdp")
int olab_jit_empty(struct xdp_md *ctx)
{
	struct rep c = { 0 };

	bpf_loop(JIT_REPS, rep_empty, &c, 0);
	sink = c.acc;
	return XDP_PASS;
}

SEC("xdp")
int olab_jit_fib(struct xdp_md *ctx)
{
	struct rep c = { 0 };

	bpf_loop(JIT_REPS, rep_fib, &c, 0);
	sink = c.acc;
	return XDP_PASS;
}

/* the sum reads the packet: the callback gets a copy of its first 64 bytes */
__u8 pkt64[64];

static long rep_sum(__u32 i, struct rep *c)
{
	__u32 x = sum_x;

	JIT_OPAQUE(x);
	c->acc += jit_sum(pkt64, x);
	return 0;
}

SEC("xdp")
int olab_jit_sum(struct xdp_md *ctx)
{
	struct rep c = { 0 };

	if (bpf_xdp_load_bytes(ctx, 0, pkt64, sizeof(pkt64)))
		return XDP_ABORTED;
	bpf_loop(JIT_SUM_REPS, rep_sum, &c, 0);
	sink = c.acc;
	return XDP_PASS;
}

SEC("xdp")
int olab_jit_sum_empty(struct xdp_md *ctx)
{
	struct rep c = { 0 };

	if (bpf_xdp_load_bytes(ctx, 0, pkt64, sizeof(pkt64)))
		return XDP_ABORTED;
	bpf_loop(JIT_SUM_REPS, rep_sum_empty, &c, 0);
	sink = c.acc;
	return XDP_PASS;
}

/* The sum once on the packet itself: its one loop is the X loop (for the disassembly). */
SEC("xdp")
int olab_jit_sum_once(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;

	if (data + 64 > data_end)
		return XDP_ABORTED;
	sink = jit_sum(data, sum_x);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
