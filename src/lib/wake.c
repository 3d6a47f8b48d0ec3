// SPDX-License-Identifier: GPL-2.0
/* The wake-up tracer (wake.bpf.c): which threads, and what it saw. */
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "lib/wake.h"

#include "wake.skel.h"

#define WAKE_SAMPLES 65536 /* wake.bpf.c */

/* struct wake_slot of wake.bpf.c */
struct slot_state {
	__u64 woken_ns, n, idle_wakes;
};

struct wake_bpf *wake_open(void)
{
	struct wake_bpf *s = wake_bpf__open_and_load();

	if (s && wake_bpf__attach(s)) {
		wake_bpf__destroy(s);
		return NULL;
	}
	return s;
}

void wake_close(struct wake_bpf *s)
{
	wake_bpf__destroy(s);
}

void wake_watch(struct wake_bpf *s, const int tids[WAKE_SLOTS])
{
	__u32 slot;

	for (slot = 0; s && slot < WAKE_SLOTS; slot++) {
		struct slot_state zero = { 0 };
		__u32 tid = (__u32)tids[slot];

		bpf_map_update_elem(bpf_map__fd(s->maps.wake_state), &slot, &zero, BPF_ANY);
		if (tids[slot] > 0)
			bpf_map_update_elem(bpf_map__fd(s->maps.wake_tids), &tid, &slot, BPF_ANY);
	}
}

void wake_unwatch(struct wake_bpf *s, const int tids[WAKE_SLOTS])
{
	int i;

	for (i = 0; s && i < WAKE_SLOTS; i++) {
		__u32 tid = (__u32)tids[i];

		bpf_map_delete_elem(bpf_map__fd(s->maps.wake_tids), &tid);
	}
}

void wake_read(struct wake_bpf *s, unsigned int slot, struct stats_samples *out, uint64_t *n,
	       uint64_t *idle)
{
	struct slot_state st = { 0 };
	__u32 key = slot;
	uint64_t i, cnt;

	*n = *idle = 0;
	if (!s || slot >= WAKE_SLOTS ||
	    bpf_map_lookup_elem(bpf_map__fd(s->maps.wake_state), &key, &st))
		return;
	*n = st.n;
	*idle = st.idle_wakes;
	cnt = st.n < WAKE_SAMPLES ? st.n : WAKE_SAMPLES;
	for (i = 0; i < cnt; i++) {
		__u32 k = slot * WAKE_SAMPLES + (__u32)i, v = 0;

		if (!bpf_map_lookup_elem(bpf_map__fd(s->maps.wake_lat), &k, &v))
			stats_samples_add(out, v);
	}
}
