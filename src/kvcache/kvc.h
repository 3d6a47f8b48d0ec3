/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVC_H
#define OLAB_KVC_H

#include <stdbool.h>
#include <stdint.h>

#include "kvcache/kvcache.h"
#include "lib/attach.h"

struct kvcache_bpf;

/* The kvcache attached to one device (XDP ingress, TC egress), in the caller's namespace. */
struct kvc {
	struct kvcache_bpf *skel;
	struct bpf_link *xdp;
	struct att_tc tc;
};

/* Load with room for capacity items and attach; 0 or -errno (printed). */
int kvc_attach(const char *ifname, uint16_t port, uint32_t capacity, struct kvc *k);
/* Detach and free everything; safe on a zeroed struct. */
void kvc_detach(struct kvc *k);
/* The counters summed over CPUs, from the counters map fd. */
int kvc_counters(int map_fd, uint64_t out[KC_NCOUNTERS]);
const char *kvc_counter_name(enum kc_counter c);

/*
 * On a veth testbed, frames a native XDP program sends back with XDP_TX reach the other end
 * only if that end runs XDP too: an XDP_PASS program for the client's veth.
 */
struct xdp_pass_bpf;
struct kvc_peer {
	struct xdp_pass_bpf *skel;
	struct bpf_link *link;
};
int kvc_peer_attach(const char *ifname, struct kvc_peer *p);
void kvc_peer_detach(struct kvc_peer *p);

/* offloadlab kvcache attach|detach|stats */
int kvcache_main(int argc, char **argv);

#endif
