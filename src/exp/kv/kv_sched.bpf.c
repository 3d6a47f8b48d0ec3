// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-up latency of chosen threads (memcached's worker, the dut's NAPI thread): the time
 * from sched_wakeup to the sched_switch that puts the thread on a CPU, one sample per
 * wake-up into a ring the loader reads, and whether the CPU it woke on was idle then (a
 * halted vCPU must be woken by the hypervisor first).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define KV_SCHED_TIDS 4
#define KV_SCHED_SAMPLES 65536

/* tid -> slot (0..KV_SCHED_TIDS-1), filled by the loader */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, KV_SCHED_TIDS);
	__type(key, __u32);
	__type(value, __u32);
} kv_sched_tids SEC(".maps");

struct kv_sched_slot {
	__u64 woken_ns;	  /* 0: not waiting */
	__u64 n;	  /* samples written */
	__u64 idle_wakes; /* wake-ups onto an idle CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KV_SCHED_TIDS);
	__type(key, __u32);
	__type(value, struct kv_sched_slot);
} kv_sched_state SEC(".maps");

/* slot * KV_SCHED_SAMPLES + (n % KV_SCHED_SAMPLES) -> latency in ns */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KV_SCHED_TIDS *KV_SCHED_SAMPLES);
	__type(key, __u32);
	__type(value, __u32);
} kv_sched_lat SEC(".maps");

static __always_inline struct kv_sched_slot *slot_of(__u32 tid, __u32 *idx)
{
	__u32 *s = bpf_map_lookup_elem(&kv_sched_tids, &tid);

	if (!s)
		return NULL;
	*idx = *s;
	return bpf_map_lookup_elem(&kv_sched_state, s);
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(olab_kv_wakeup, struct task_struct *p)
{
	__u32 idx;
	struct kv_sched_slot *st = slot_of(p->pid, &idx);

	if (!st)
		return 0;
	st->woken_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(olab_kv_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 idx, key;
	struct kv_sched_slot *st = slot_of(next->pid, &idx);
	__u64 now, d;
	__u32 *cell;

	if (!st || !st->woken_ns)
		return 0;
	now = bpf_ktime_get_ns();
	d = now - st->woken_ns;
	st->woken_ns = 0;
	if (prev->pid == 0)
		st->idle_wakes++; /* the CPU was idle: it ran the idle task until now */
	key = idx * KV_SCHED_SAMPLES + (__u32)(st->n % KV_SCHED_SAMPLES);
	cell = bpf_map_lookup_elem(&kv_sched_lat, &key);
	if (cell)
		*cell = d > 0xffffffffULL ? 0xffffffffU : (__u32)d;
	st->n++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
