/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_DEFROUTE_H
#define OLAB_DEFROUTE_H

/*
 * Whether a device carries a default route of this host (its network namespace): an IPv4 or
 * IPv6 route of prefix length 0 in any routing table an ip rule leads to (not only main; an
 * l3mdev rule, a VRF's, leads to every table), through the device itself, one of its
 * multipath hops, or a nexthop object or group on it. Routes that send nothing through a
 * device (unreachable, prohibit, blackhole, throw: the kernel's own ::/0 reject on lo) are
 * not routes through it. What it cannot tell (more routes or nexthops than it holds) counts
 * as carrying one.
 */

#include <linux/netlink.h>
#include <stdbool.h>
#include <stdint.h>

#define DR_TABLES 256 /* tables rules lead to, per family: past that, every table */
#define DR_WANT 64    /* nexthop ids default routes use */
#define DR_ONDEV 1024 /* nexthop ids on the device */

struct defroute {
	int ifindex;
	bool yes;		       /* a default route through the device was seen */
	bool unsure;		       /* more than held: counts as yes if a nexthop is wanted */
	bool all_tables[2];	       /* per family (IPv4, IPv6): every table is reached */
	uint32_t tables[2][DR_TABLES]; /* the tables rules lead to */
	int ntables[2];
	uint32_t want[DR_WANT]; /* nexthops (and groups' members) default routes go through */
	int nwant;
	uint32_t ondev[DR_ONDEV]; /* nexthops on the device */
	int nondev;
};

/* 1: the device carries a default route; 0: it does not; -errno: could not tell. */
int defroute_via(int ifindex);

/*
 * The same from the messages of the dumps, for tests: rules first (both families), then
 * routes, then nexthops, each message handed to its function as netlink gave it.
 */
void defroute_init(struct defroute *d, int ifindex);
void defroute_rule(struct defroute *d, const struct nlmsghdr *h);
void defroute_route(struct defroute *d, const struct nlmsghdr *h);
void defroute_nexthop(struct defroute *d, const struct nlmsghdr *h);
bool defroute_verdict(const struct defroute *d);

#endif
