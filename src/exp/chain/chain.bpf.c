// SPDX-License-Identifier: GPL-2.0
/*
 * chain (paper Table 5): the same stage of work chained 0-8 times by a tail call with a
 * constant index (the JIT patches a direct jump), a tail call with an index known only at run
 * time (an indirect jump), a BPF-to-BPF call, a call to a global function (verified on its
 * own), and inlined.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "exp/chain/chain.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, CHAIN_MAX + 2);
	__type(key, __u32);
	__type(value, __u32);
} jt_const SEC(".maps"), jt_var SEC(".maps");

__u32 stages = 1; /* function variants: stages after the first */
__u32 one = 1;	  /* an index step the verifier cannot know */
__u64 acc;

static __always_inline __u64 work(__u64 x)
{
	return x * 0x9e3779b97f4a7c15ULL + 1;
}

#define TAIL_CONST(k)                                                                              \
	SEC("xdp")                                                                                 \
	int olab_chain_tc##k(struct xdp_md *ctx)                                                   \
	{                                                                                          \
		acc = work(acc);                                                                   \
		bpf_tail_call(ctx, &jt_const, (k) + 1);                                            \
		return XDP_PASS;                                                                   \
	}
#define TAIL_VAR(k)                                                                                \
	SEC("xdp")                                                                                 \
	int olab_chain_tv##k(struct xdp_md *ctx)                                                   \
	{                                                                                          \
		acc = work(acc);                                                                   \
		bpf_tail_call(ctx, &jt_var, (k) + one);                                            \
		return XDP_PASS;                                                                   \
	}

TAIL_CONST(0)
TAIL_CONST(1)
TAIL_CONST(2)
TAIL_CONST(3)
TAIL_CONST(4)
TAIL_CONST(5)
TAIL_CONST(6)
TAIL_CONST(7)
TAIL_CONST(8)
TAIL_VAR(0)
TAIL_VAR(1)
TAIL_VAR(2)
TAIL_VAR(3)
TAIL_VAR(4)
TAIL_VAR(5)
TAIL_VAR(6)
TAIL_VAR(7)
TAIL_VAR(8)

static __noinline __u64 stage_sub(__u64 x)
{
	return work(x);
}

__noinline __u64 stage_global(__u64 x)
{
	return work(x);
}

#define FUNC_CHAIN(name, call)                                                                     \
	SEC("xdp")                                                                                 \
	int name(struct xdp_md *ctx)                                                               \
	{                                                                                          \
		__u64 a = work(acc);                                                               \
		__u32 i;                                                                           \
                                                                                                   \
		for (i = 0; i < CHAIN_MAX; i++) {                                                  \
			if (i >= stages)                                                           \
				break;                                                             \
			a = call(a);                                                               \
		}                                                                                  \
		acc = a;                                                                           \
		return XDP_PASS;                                                                   \
	}

FUNC_CHAIN(olab_chain_sub, stage_sub)
FUNC_CHAIN(olab_chain_global, stage_global)
FUNC_CHAIN(olab_chain_inline, work)

char LICENSE[] SEC("license") = "GPL";
