// SPDX-License-Identifier: GPL-2.0
/*
 * Wake-up latency of chosen threads (a server's worker, a NAPI thread): the time
 * from sched_waking to the sched_switch that puts the thread on a CPU, one sample per
 * wake-up into a ring the loader reads, and whether the CPU it woke on was idle then (a
 * halted vCPU must be woken by the hypervisor first).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#define WAKE_TIDS 4
#define WAKE_SAMPLES 65536

/* tid -> slot (0..WAKE_TIDS-1), filled by the loader */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WAKE_TIDS);
	__type(key, __u32);
	__type(value, __u32);
} wake_tids SEC(".maps");

struct wake_slot {
	__u64 woken_ns;	  /* 0: not waiting */
	__u64 n;	  /* samples written */
	__u64 idle_wakes; /* wake-ups onto an idle CPU */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WAKE_TIDS);
	__type(key, __u32);
	__type(value, struct wake_slot);
} wake_state SEC(".maps");

/* slot * WAKE_SAMPLES + (n % WAKE_SAMPLES) -> latency in ns */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, WAKE_TIDS *WAKE_SAMPLES);
	__type(key, __u32);
	__type(value, __u32);
} wake_lat SEC(".maps");

static __always_inline struct wake_slot *slot_of(__u32 tid, __u32 *idx)
{
	__u32 *s = bpf_map_lookup_elem(&wake_tids, &tid);

	if (!s)
		return NULL;
	*idx = *s;
	return bpf_map_lookup_elem(&wake_state, s);
}

/*
 * sched_waking, in the waker's context as try_to_wake_up() starts: a wake-up across CPUs
 * queues the task on the other CPU's list and sends it an interrupt, and sched_wakeup fires
 * only there, after it arrived; from sched_waking the interrupt's delivery (a halted vCPU's
 * exit from the hypervisor) is in the latency.
 */
SEC("tp_btf/sched_waking")
int BPF_PROG(olab_wake_wakeup, struct task_struct *p)
{
	__u32 idx;
	struct wake_slot *st = slot_of(p->pid, &idx);

	if (!st)
		return 0;
	st->woken_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_switch")
int BPF_PROG(olab_wake_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	__u32 idx, key;
	struct wake_slot *st = slot_of(next->pid, &idx);
	__u64 now, d;
	__u32 *cell;

	if (!st || !st->woken_ns)
		return 0;
	now = bpf_ktime_get_ns();
	d = now - st->woken_ns;
	st->woken_ns = 0;
	if (prev->pid == 0)
		st->idle_wakes++; /* the CPU was idle: it ran the idle task until now */
	key = idx * WAKE_SAMPLES + (__u32)(st->n % WAKE_SAMPLES);
	cell = bpf_map_lookup_elem(&wake_lat, &key);
	if (cell)
		*cell = d > 0xffffffffULL ? 0xffffffffU : (__u32)d;
	st->n++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
