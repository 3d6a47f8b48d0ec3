// SPDX-License-Identifier: GPL-2.0
/*
 * maps: the cost of a lookup with a 4-byte key (paper Table 3) and per-flow counters in XDP
 * (Fig. 11, 12). The map type is set by user space before load (bpf_map__set_type): one
 * object for every type, no recompile.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "olab_pkt.bpf.h"
#include "exp/maps/maps.h"

const volatile __u32 mode = MAPS_BASE;
const volatile __u32 flow_mode = MAPS_FLOW_PARSE;

struct {
	__uint(type, BPF_MAP_TYPE_HASH); /* replaced before load */
	__uint(max_entries, MAPS_MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} tmap SEC(".maps"), tmap2 SEC(".maps");

/* the flow id of each packet, replayed in order (uniform or Zipf, written by user space) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAPS_SEQ);
	__type(key, __u32);
	__type(value, __u32);
} seq SEC(".maps");

__u64 sink;
__u32 pos;

/* A lookup in a subprogram: given two different maps, its one call site cannot be inlined. */
static __noinline __u64 lookup_in(void *map, __u32 k)
{
	__u64 *v = bpf_map_lookup_elem(map, &k);

	return v ? *v : 0;
}

SEC("xdp")
int olab_maps_lookup(struct xdp_md *ctx)
{
	__u64 acc = ctx->rx_queue_index;
	__u32 i;

	for (i = 0; i < MAPS_ITERS; i++) {
		__u32 k = (i * 2654435761u) & (MAPS_KEYS - 1);

		if (mode == MAPS_DIRECT) {
			__u64 *v = bpf_map_lookup_elem(&tmap, &k);

			if (v)
				acc += *v;
		} else if (mode == MAPS_CALL_ONE) {
			acc += lookup_in(&tmap, k);
		} else if (mode == MAPS_CALL_TWO) {
			acc += lookup_in((i & 1) ? (void *)&tmap2 : (void *)&tmap, k);
		} else {
			acc += k;
		}
	}
	sink = acc;
	return XDP_PASS;
}

/* One packet's work: parse, pick its flow, count it. */
static __always_inline void one_packet(void *data, void *data_end)
{
	struct olab_l4 l4;
	__u32 p = pos++ & (MAPS_SEQ - 1), *flow;
	__u64 one = 1, *c;

	if (olab_parse(data, data_end, &l4) || l4.ip_proto != OLAB_IPPROTO_UDP)
		return;
	flow = bpf_map_lookup_elem(&seq, &p);
	if (!flow)
		return;
	if (flow_mode == MAPS_FLOW_PARSE) {
		sink += *flow;
		return;
	}
	c = bpf_map_lookup_elem(&tmap, flow);
	if (c)
		__sync_fetch_and_add(c, 1);
	else
		bpf_map_update_elem(&tmap, flow, &one, BPF_NOEXIST);
}

/* MAPS_PKTS_PER_RUN packets' work per run: the kernel's whole-ns timer then resolves it */
SEC("xdp")
int olab_maps_flows(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *data_end = (void *)(long)ctx->data_end;
	int i;

	for (i = 0; i < MAPS_PKTS_PER_RUN; i++)
		one_packet(data, data_end);
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
