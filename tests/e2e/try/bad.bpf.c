// SPDX-License-Identifier: GPL-2.0
/* For tests/e2e/try_errors.sh: a program the verifier refuses (a packet read with no bound). */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int olab_try_bad(struct xdp_md *ctx)
{
	return *(int *)(long)ctx->data == 7 ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
