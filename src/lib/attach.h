/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_ATTACH_H
#define OLAB_ATTACH_H

#include <stdbool.h>

#include <bpf/libbpf.h>

/* A program on TC ingress (clsact) of one device in the calling thread's namespace. */
struct att_tc {
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	bool hook_made, attached;
};

int att_tc_ingress(int ifindex, const char *ifname, int prog_fd, struct att_tc *t);
/* With a chosen handle and priority, so that the filter can be found again. */
int att_tc_ingress_at(int ifindex, const char *ifname, int prog_fd, __u32 handle, __u32 priority,
		      struct att_tc *t);
int att_tc_egress_at(int ifindex, const char *ifname, int prog_fd, __u32 handle, __u32 priority,
		     struct att_tc *t);
/*
 * Detach, and remove the clsact qdisc if it was made for this program and holds no other
 * filter by now; call in the same namespace. Safe on a zeroed struct.
 */
void att_tc_detach(struct att_tc *t);
/*
 * Remove a filter a killed process left (found by its handle and priority), and the clsact if
 * that leaves it empty. 1 when one was removed, 0 when there was none, or -errno.
 */
int att_tc_remove_left(int ifindex, enum bpf_tc_attach_point where, __u32 handle, __u32 priority);
/* Whether the device (this namespace) has any TC filter, ingress or egress ('tc' asked). */
bool att_tc_has_filters(int ifindex);

/*
 * A TC program through a tcx link (no qdisc to add or remove, and gone with the link's last
 * reference), first on the device's ingress or egress. The link's fd, or -errno (printed).
 */
int att_tcx(int prog_fd, int ifindex, const char *ifname, bool egress);

/* Native (driver) XDP through a bpf_link, which the kernel removes if this process dies. */
struct bpf_link *att_xdp(struct bpf_program *prog, int ifindex, const char *ifname);

/*
 * The one XDP_PASS program (src/lib/xdp_pass.bpf.c) on a device of this namespace: the empty
 * XDP program an experiment measures, the carrier that gives every variant the same NAPI
 * path, and the client's end of a veth, where frames sent back with XDP_TX only arrive if
 * that end runs XDP too. 0, or -errno with the message printed.
 */
/* Whether the device (this namespace) is a veth, by its driver's name. */
bool dev_is_veth(const char *ifname);
/*
 * Whether it is a virtual device (veth, loopback, a bridge: no bus address), where a local
 * sender's frames may carry a partial UDP checksum the stack completes.
 */
bool dev_is_virtual(const char *ifname);

struct xdp_pass_bpf;
struct xdp_pass_link {
	struct xdp_pass_bpf *skel;
	struct bpf_link *link;
};
int xdp_pass_attach(const char *ifname, struct xdp_pass_link *p);
void xdp_pass_detach(struct xdp_pass_link *p);

/* This namespace's interfaces other than dev, comma-separated, into buf; buf. */
const char *dev_others(const char *dev, char *buf, size_t len);

/* The device's threaded-NAPI setting ('0' or '1'; 0 when it cannot be read), this namespace. */
char dev_threaded_get(const char *ifname);
/*
 * Set it back to v. A veth has NAPI, and takes the setting, only while an XDP program is on
 * it: then an XDP_PASS program is put on it for the moment. false when it could not be set.
 */
bool dev_threaded_set(const char *ifname, char v);

/* An sk_skb program on a sockmap; 0 or -errno with the message printed. */
int att_sockmap(int prog_fd, int map_fd, enum bpf_attach_type type);

#endif
