/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-CPU event counters for a BPF object: OLAB_COUNTERS(n) defines the map `counters` (n u64
 * per CPU; user space sums them with bpfu_percpu_sum) and count(what), which adds one.
 */
#ifndef OLAB_COUNTERS_BPF_H
#define OLAB_COUNTERS_BPF_H

#define OLAB_COUNTERS(n)                                                                           \
	struct {                                                                                   \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);                                           \
		__uint(max_entries, (n));                                                          \
		__type(key, __u32);                                                                \
		__type(value, __u64);                                                              \
	} counters SEC(".maps");                                                                   \
                                                                                                   \
	static __always_inline void count(__u32 what)                                              \
	{                                                                                          \
		__u64 *c = bpf_map_lookup_elem(&counters, &what);                                  \
                                                                                                   \
		if (c)                                                                             \
			*c += 1;                                                                   \
	}

#endif
