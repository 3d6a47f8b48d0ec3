// SPDX-License-Identifier: GPL-2.0
/* bandwidth: empty programs on the path of a TCP stream (paper Table 2). */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} socks SEC(".maps");

SEC("tc")
int olab_bw_tc(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

/* SK_PASS: the data goes on to the socket, through the psock's queue */
SEC("sk_skb")
int olab_bw_skskb(struct __sk_buff *skb)
{
	return SK_PASS;
}

char LICENSE[] SEC("license") = "GPL";
