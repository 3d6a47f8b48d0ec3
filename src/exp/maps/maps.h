/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_MAPS_H
#define OLAB_MAPS_H

/* Shared between maps.bpf.c and maps.c: fixed-width types only. */

#define MAPS_ITERS 256		/* lookups per test-run of olab_maps_lookup */
#define MAPS_KEYS 1024		/* distinct keys looked up (all present) */
#define MAPS_MAX_ENTRIES 131072 /* every map: room for 100 K flows without eviction */
#define MAPS_PKTS_PER_RUN 16	/* packets' work per run of olab_maps_flows */
#define MAPS_SEQ 262144		/* flow ids replayed by olab_maps_flows, one per packet */

enum maps_mode {
	MAPS_BASE = 0,	   /* the loop without the lookup: subtracted */
	MAPS_DIRECT = 1,   /* bpf_map_lookup_elem on one map: the verifier may inline it */
	MAPS_CALL_ONE = 2, /* the same lookup inside a subprogram always given the same map */
	MAPS_CALL_TWO = 3, /* that subprogram given two maps in turn: no inlining possible */
};

enum maps_flow_mode {
	MAPS_FLOW_PARSE = 0,   /* parse the headers and pick the flow only */
	MAPS_FLOW_COUNTER = 1, /* and count the packet in the flow's counter */
};

#endif
