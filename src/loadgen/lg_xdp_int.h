/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the XDP engine: what lg_xdp.c (open, run, results), lg_xdp_frame.c (the request
 * template, keys, draws) and lg_xdp_dev.c (the device: addresses, features, limits) share.
 * Not for use outside src/loadgen.
 */
#ifndef OLAB_LG_XDP_INT_H
#define OLAB_LG_XDP_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadgen/lg_xdp.h"
#include "loadgen/loadgen.h"

#define LGX_FRAME_CAP 4096

/* The request template of one run, and where its varying fields are. */
struct lgx_frame {
	uint8_t b[LGX_FRAME_CAP];
	size_t len;	 /* the whole frame */
	size_t in_len;	 /* what BPF_PROG_RUN is given: len and the byte the program trims */
	size_t head;	 /* bytes written every time (headers, fixed text) */
	uint32_t id_off; /* request id (memcached) or seq */
	uint32_t key_off, key_w, multi;
};

/* The addresses a frame carries; IPv4 and ports in network order. */
struct lgx_addrs {
	uint8_t src_mac[6], dst_mac[6];
	uint32_t src_ip, dst_ip;
	uint16_t src_port, dst_port;
};

/* lg_xdp_frame.c */
/* The template for the app's requests; -EINVAL / -EMSGSIZE with why written. */
struct pkt_addrs;
/* The frame builder's addresses (lib/pkt) from the engine's. */
void lgx_pkt_addrs(const struct lgx_addrs *a, struct pkt_addrs *pa);
int lgx_frame_build(struct lgx_frame *f, const struct lgx_addrs *a, const struct lg_app *app,
		    char *why, size_t whylen);
/* Both classes' keys into keys (cap entries), their bases and counts into cfg. */
int lgx_keys_fill(struct lgx_key *keys, unsigned int cap, const struct lg_mc *mc,
		  const struct lgx_frame *f, struct lgx_cfg *cfg, char *why, size_t whylen);
/* LGX_GAPS exponential gaps of mean mean_ns, drawn uniformly: a Poisson process. */
void lgx_gaps_fill(uint64_t *gaps, double mean_ns);

/* lg_xdp_raw.c */
/*
 * raw: every drawn request's frame into tab (raw->n entries; the source port a's, rewritten
 * per request), the draw into pick (LG_PICK entries), f: the longest frame (in_len: and the
 * byte trimmed). dev: the device whose MTU bounds a frame. classed: each entry timed in its
 * request's class (else all in class 0). 0, or -errno with why.
 */
int lgx_raw_fill(struct lgx_raw *tab, uint64_t *pick, struct lgx_frame *f,
		 const struct lgx_addrs *a, const struct lg_raw *raw, bool classed, const char *dev,
		 char *why, size_t whylen);
/* A block of n UDP ports no socket of this namespace holds, outside the ephemeral range. */
int lgx_raw_ports(uint32_t n, uint16_t *base, char *why, size_t whylen);

/* lg_xdp_maps.c */
struct bpf_map;
/* An mmapable array map's values, *len bytes (page-rounded); NULL with errno. */
void *lgx_map_mmap(const struct bpf_map *m, size_t *len);
/* Zero a per-CPU array map, every entry: 0 or -errno. */
int lgx_percpu_zero(const struct bpf_map *m, int ncpu);
/* Every entry of a per-CPU array map: n * ncpu values of its size rounded up to 8 (free it). */
void *lgx_percpu_read(const struct bpf_map *m, int ncpu);
/* A draw (LG_PICK entries) into the mapped lgx_pick, whose values are 8 bytes apart. */
void lgx_pick_store(uint64_t *map, const uint32_t *pick);

/* lg_xdp_dev.c */
int lgx_dev_mac(const char *ifname, uint8_t mac[6]);
int lgx_dev_mtu(const char *ifname);
/* The device, source address and next hop of the route to dst (this thread's namespace). */
int lgx_route(uint32_t dst, char ifname[16], uint32_t *src, uint32_t *nexthop);
/* The next hop's MAC from the neighbour table, asking for it first when it is not there. */
int lgx_neigh_mac(const char *ifname, uint32_t ip, uint8_t mac[6]);
/* The device's XDP features (NETDEV_XDP_ACT_*); -ENOENT when the kernel does not say. */
int lgx_xdp_features(int ifindex, uint64_t *features);
#define LGX_XDP_ACT_NDO_XMIT 4 /* NETDEV_XDP_ACT_NDO_XMIT of linux/netdev.h */
/* The inode of the calling thread's network namespace. */
uint32_t lgx_netns_ino(void);

#endif
