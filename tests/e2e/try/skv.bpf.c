// SPDX-License-Identifier: GPL-2.0
/*
 * For tests/e2e/try_errors.sh: an sk_skb stream verdict that passes everything, put on a
 * sockmap by an --attach command (bpftool), so that try must find it through the map.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("sk_skb/stream_verdict")
int olab_try_skv(struct __sk_buff *skb)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
