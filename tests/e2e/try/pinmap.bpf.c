// SPDX-License-Identifier: GPL-2.0
/*
 * For tests/e2e/try_errors.sh (--pin): an XDP program that passes everything, with a map of its
 * own and a global (libbpf's "<obj>.bss" map: pinned with the dot made '_').
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} olab_try_seen SEC(".maps");

__u64 olab_try_runs;

SEC("xdp")
int olab_try_pin(struct xdp_md *ctx)
{
	__u32 k = 0;
	__u64 *n = bpf_map_lookup_elem(&olab_try_seen, &k);

	if (n)
		__sync_fetch_and_add(n, 1);
	olab_try_runs++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
