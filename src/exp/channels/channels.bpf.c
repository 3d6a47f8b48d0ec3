// SPDX-License-Identifier: GPL-2.0
/*
 * channels (paper Table 4, Fig. 13): kernel -> user channels for 64-byte items: map entries
 * read by syscall, the BPF ring buffer, a single-producer ring in an mmap'd array, and an
 * AF_XDP socket. The producers run by test-run; the AF_XDP path gets real frames (from the
 * load generator's XDP engine).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "exp/channels/channels.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY); /* replaced before load: the syscall-lookup table */
	__uint(max_entries, CHAN_KEYS);
	__type(key, __u32);
	__type(value, struct chan_item);
} tab SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, CHAN_RB_BYTES);
} rb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(map_flags, BPF_F_MMAPABLE);
	__type(key, __u32);
	__type(value, struct chan_spsc);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} xsks SEC(".maps");

__u64 rb_flags; /* 0: wake the consumer up; BPF_RB_NO_WAKEUP for a busy consumer */
__u64 seq;
__u64 drops;

SEC("tc")
int olab_chan_rb(struct __sk_buff *skb)
{
	struct chan_item *it = bpf_ringbuf_reserve(&rb, sizeof(*it), 0);

	if (!it) {
		drops++;
		return 2; /* TC_ACT_SHOT */
	}
	it->seq = seq++;
	bpf_ringbuf_submit(it, rb_flags);
	return 2;
}

/* one item into slot 0 of the table, overwriting the last: the reader polls it by syscall */
SEC("tc")
int olab_chan_arr(struct __sk_buff *skb)
{
	__u32 k = 0;
	struct chan_item *it = bpf_map_lookup_elem(&tab, &k);

	if (it)
		it->seq = ++seq;
	return 2; /* TC_ACT_SHOT */
}

SEC("tc")
int olab_chan_spsc(struct __sk_buff *skb)
{
	__u32 k = 0;
	struct chan_spsc *r = bpf_map_lookup_elem(&ring, &k);
	__u64 h, t;

	if (!r)
		return 2;
	h = r->head;
	t = *(volatile __u64 *)&r->tail;
	if (h - t >= CHAN_SPSC_N) {
		drops++;
		return 2;
	}
	r->items[h & (CHAN_SPSC_N - 1)].seq = seq++;
	/* x86 keeps stores in order: the item is visible before the new head */
	asm volatile("" ::: "memory");
	*(volatile __u64 *)&r->head = h + 1;
	return 2;
}

/* on the receiving veth: every frame to the AF_XDP socket of queue 0 */
__u64 xsk_seen, xsk_redirected;

SEC("xdp")
int olab_chan_xsk(struct xdp_md *ctx)
{
	long ret = bpf_redirect_map(&xsks, 0, XDP_DROP);

	xsk_seen++;
	if (ret == XDP_REDIRECT)
		xsk_redirected++;
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
