/* SPDX-License-Identifier: GPL-2.0 */
/* kvcache, the global state, the maps, the per-CPU scratch and the counters. Included by kvcache.bpf.c only, in its order. */
#ifndef OLAB_KVC_MAPS_BPF_H
#define OLAB_KVC_MAPS_BPF_H

const volatile __u16 cfg_port = 11211;
/* how long a write's window waits for its reply; a fragment's: and the reassembly timeout */
const volatile __u64 cfg_reply_wait_ns = KVC_REPLY_WAIT_NS;
const volatile __u64 cfg_frag_hold_ns = KVC_FRAG_HOLD_NS;
__u64 epoch = 1; /* flush_all moves it: older entries are gone */
/*
 * Moves when a write the cache could not read may have changed any item's expiry: what was
 * learnt before it (kvc_meta.epoch) is not trusted after it.
 */
__u64 mepoch = 1;
__u64 gseq;		/* moves with every global window */
__u64 fill_block_until; /* no fills until then (a delayed flush_all, ...) */
__u32 hold_why;		/* enum kvc_hold: what set fill_block_until last */
/*
 * Set when memcached's UDP socket or TCP listener on cfg_port closes (in its network
 * namespace): everything cached goes (the epoch moves) and no GET is answered until a socket
 * binds the port again: a new memcached, empty, whose misses refill the cache.
 */
__u8 server_gone;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, KVC_BUCKETS);
	__type(key, __u32);
	__type(value, struct kvc_fence);
} fence SEC(".maps");

/* The global window: flush_all, a write the cache could not read (no fills meanwhile). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kvc_win);
} gwin SEC(".maps");

/* Sources of unread first fragments, each removed by its timer (kvc_suspect). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct kvc_suspect_key);
	__type(value, struct kvc_suspect);
} suspects SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 131072);
	__type(key, struct kvc_key);
	__type(value, struct kvc_meta);
} meta SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kvc_ticket_key);
	__type(value, struct kvc_ticket);
} tickets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct kvc_req_key);
	__type(value, struct kvc_pending);
} udp_pending SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct kvc_conn_key);
	__type(value, struct kvc_conn);
} conns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536); /* set from --capacity before load */
	__type(key, struct kvc_key);
	__type(value, struct kvc_val);
} cache SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct kvc_cfg);
} kvc_config SEC(".maps");

OLAB_COUNTERS(KVC_NCOUNTERS)

struct scratch {
	__u8 req[MC_BUF];
	__u8 out[KVC_OUT];
	struct kvc_key key;
	struct mc_req r;
	struct mc_value v;
	struct kvc_val val;
	struct kvc_pending pend;
	__u8 hdr[192];	      /* the first bytes of a frame, for the header parse */
	struct kvc_conn conn; /* a new connection's state, before it goes into the map */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch_map SEC(".maps");

/* v & mask, done on the register itself so that the verifier sees the bound */
static __always_inline __u32 bounded(__u32 v, __u32 mask)
{
	__u64 x = v;

	asm volatile("%0 &= %1" : "+r"(x) : "r"((__u64)mask));
	return (__u32)x;
}

#endif
