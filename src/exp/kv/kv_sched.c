// SPDX-License-Identifier: GPL-2.0
/* The kv experiment's wake-up tracer (kv_sched.bpf.c): which threads, and what it saw. */
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "exp/kv/kv_int.h"

#include "kv_sched.skel.h"

#define KV_SCHED_SAMPLES 65536 /* kv_sched.bpf.c */

/* struct kv_sched_slot of kv_sched.bpf.c */
struct slot_state {
	__u64 woken_ns, n, idle_wakes;
};

struct kv_sched_bpf *kv_sched_open(void)
{
	struct kv_sched_bpf *s = kv_sched_bpf__open_and_load();

	if (s && kv_sched_bpf__attach(s)) {
		kv_sched_bpf__destroy(s);
		return NULL;
	}
	return s;
}

void kv_sched_close(struct kv_sched_bpf *s)
{
	kv_sched_bpf__destroy(s);
}

void kv_sched_watch(struct kv_sched_bpf *s, const int tids[KV_SCHED_SLOTS])
{
	__u32 slot;

	for (slot = 0; s && slot < KV_SCHED_SLOTS; slot++) {
		struct slot_state zero = { 0 };
		__u32 tid = (__u32)tids[slot];

		bpf_map_update_elem(bpf_map__fd(s->maps.kv_sched_state), &slot, &zero, BPF_ANY);
		if (tids[slot] > 0)
			bpf_map_update_elem(bpf_map__fd(s->maps.kv_sched_tids), &tid, &slot,
					    BPF_ANY);
	}
}

void kv_sched_unwatch(struct kv_sched_bpf *s, const int tids[KV_SCHED_SLOTS])
{
	int i;

	for (i = 0; s && i < KV_SCHED_SLOTS; i++) {
		__u32 tid = (__u32)tids[i];

		bpf_map_delete_elem(bpf_map__fd(s->maps.kv_sched_tids), &tid);
	}
}

void kv_sched_read(struct kv_sched_bpf *s, unsigned int slot, struct stats_samples *out,
		   uint64_t *n, uint64_t *idle)
{
	struct slot_state st = { 0 };
	__u32 key = slot;
	uint64_t i, cnt;

	*n = *idle = 0;
	if (!s || slot >= KV_SCHED_SLOTS ||
	    bpf_map_lookup_elem(bpf_map__fd(s->maps.kv_sched_state), &key, &st))
		return;
	*n = st.n;
	*idle = st.idle_wakes;
	cnt = st.n < KV_SCHED_SAMPLES ? st.n : KV_SCHED_SAMPLES;
	for (i = 0; i < cnt; i++) {
		__u32 k = slot * KV_SCHED_SAMPLES + (__u32)i, v = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(s->maps.kv_sched_lat), &k, &v))
			stats_samples_add(out, v);
	}
}
