/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_KVC_H
#define OLAB_KVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvcache/kvcache.h"
#include "lib/attach.h"

struct kvcache_bpf;
struct bpf_object;

/* The kvcache attached to one device (XDP ingress, TC egress), in the caller's namespace. */
/*
 * memcached takes a packet for any of the host's addresses from any interface (loopback
 * included), so the cache follows writes on every interface of the namespace: its programs
 * run on each; only the device named at attach answers hits.
 */
#define KVC_MAX_EXTRA 15
struct kvc_extra {
	int ifindex;
	char ifname[16];
	struct bpf_link *xdp;
	int tcx; /* the TC egress program's tcx link (-1: none) */
};

struct kvc {
	struct kvcache_bpf *skel;
	struct bpf_link *xdp;
	/*
	 * TC egress through a tcx link: no clsact qdisc to add or remove (which lost a packet in
	 * flight each time), and gone with the link's last reference like the XDP link.
	 */
	int tcx;
	int nextra;
	struct kvc_extra extra[KVC_MAX_EXTRA];
	/*
	 * On the cgroup v2 root: memcached's socket closing and binding (a stop, a restart),
	 * and its receiving (recvmsg4/6: a datagram from a source of an unread fragment).
	 */
#define KVC_NCG 5
	struct bpf_link *cg[KVC_NCG];
};

/* Who the cache answers, beyond memcached's own rules (docs/kvcache.md, Security model). */
#define KVC_MAX_ALLOW 32 /* ADM_MAX_ALLOW */
struct kvc_opts {
	uint16_t port;
	uint32_t capacity;
	uint32_t connections;  /* TCP connections followed; 0: default (16384) */
	uint32_t rate;	       /* answers per second to one source; 0: no limit */
	uint32_t max_age_ms;   /* serve a fill at most this long; 0: no bound */
	uint32_t route_ttl_ms; /* trust in the kernel's learnt reply route; 0: default (1 s) */
	int nallow;	       /* 0: any source */
	const char *allow[KVC_MAX_ALLOW]; /* CIDRs: 198.18.0.0/15, 2001:db8::/32, 10.0.0.1 */
};

/* Load with room for capacity items and attach; 0 or -errno (printed). */
int kvc_attach(const char *ifname, uint16_t port, uint32_t capacity, struct kvc *k);
int kvc_attach_opts(const char *ifname, const struct kvc_opts *o, struct kvc *k);

/*
 * Tell a loaded kvcache object who it may answer: requests on ifname, where the kernel would
 * send memcached's reply (learnt from its replies), within the allow-list and the per-source
 * rate of o. Also used for the chain experiment's builds of the same program. 0 or -errno
 * (printed).
 */
int kvc_configure(struct bpf_object *obj, const char *ifname, const struct kvc_opts *o);

/*
 * The same for frames made by hand (test-run, the chain experiment): answer requests on
 * ifindex (test-run's frames come in on the loopback, 1) from the client at cip (network
 * order) and MAC cmac to the server at sip and MAC smac, at any rate, as if memcached had
 * answered that client just now. 0 or -errno.
 */
int kvc_configure_raw(struct bpf_object *obj, int ifindex, const uint8_t smac[6], uint32_t sip,
		      const uint8_t cmac[6], uint32_t cip);

/*
 * In front of a key-value server on AF_XDP (offloadlab afxdp-kv) rather than memcached: what
 * the cache passes on for its port goes to the server's AF_XDP sockets, which the server puts
 * in the map whose fd this returns (by queue). The server must send its replies through the
 * device's TC egress (it does with tx_via_tc), where the cache fills. fd or -errno.
 */
int kvc_xsk_handoff(struct kvc *k);
/* Turn the hand-off on in the cache whose kvc_config map is cfd; 0 or -errno (printed). */
int kvc_handoff_enable(int cfd);
/* The same for the cache 'offloadlab kvcache attach' pinned on dev (this namespace). */
int kvc_xsk_handoff_pinned(const char *dev);

/*
 * How long a fragment may wait for the rest of its datagram here: the reassembly timeout
 * (net.ipv4.ipfrag_time or net.ipv6.ip6frag_time, the longer, read now) and a second, in ns.
 */
uint64_t kvc_frag_hold_ns(void);
/* The kernel memory the maps of o take (allocated whole at load), in bytes: an estimate. */
uint64_t kvc_map_bytes(const struct kvc_opts *o);
/* Detach and free everything; safe on a zeroed struct. */
void kvc_detach(struct kvc *k);
/* Where the pin called name of the cache attached to dev is (this namespace); 0 or -ENODEV. */
int kvc_pin_path(const char *dev, const char *name, char *buf, size_t len);
/* The counters summed over CPUs, from the counters map fd. */
int kvc_counters(int map_fd, uint64_t out[KVC_NCOUNTERS]);
const char *kvc_counter_name(enum kvc_counter c);

/* Watch memcached's sockets on port (kvc_watch.c); part of kvc_attach_opts. 0 or -errno. */
int kvc_watch_server(struct kvc *k, uint16_t port);

/* offloadlab kvcache attach|detach|stats */
int kvcache_main(int argc, char **argv);

#endif
