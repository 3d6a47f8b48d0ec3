// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's default-route check, from netlink messages made here: every table an ip rule
 * reaches counts (not only main), routes that send nothing (the kernel's ::/0 reject on lo)
 * do not, nexthop objects and groups are followed to their device.
 */
#include <linux/fib_rules.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "lib/defroute.h"

#define DEV 5
#define LO 1

struct msg {
	union {
		struct nlmsghdr h;
		char b[512];
	};
};

/* A message of type with its fixed header (hlen bytes of hdr), attributes to follow. */
static struct nlmsghdr *msg(struct msg *m, uint16_t type, const void *hdr, size_t hlen)
{
	memset(m, 0, sizeof(*m));
	m->h.nlmsg_type = type;
	m->h.nlmsg_len = NLMSG_LENGTH(hlen);
	memcpy(NLMSG_DATA(&m->h), hdr, hlen);
	return &m->h;
}

static void put(struct nlmsghdr *h, uint16_t type, const void *data, size_t len)
{
	struct rtattr *a = (struct rtattr *)((char *)h + NLMSG_ALIGN(h->nlmsg_len));

	a->rta_type = type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

static void put_u32(struct nlmsghdr *h, uint16_t type, uint32_t v)
{
	put(h, type, &v, sizeof(v));
}

static void rule_to(struct defroute *d, int family, uint32_t table)
{
	struct fib_rule_hdr fr = { .family = (uint8_t)family, .action = FR_ACT_TO_TBL };
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWRULE, &fr, sizeof(fr));

	put_u32(h, FRA_TABLE, table);
	defroute_rule(d, h);
}

/* A default route (type, table) through oif (0: none) or nexthop nh (0: none). */
static void route(struct defroute *d, int family, uint8_t type, uint32_t table, uint32_t oif,
		  uint32_t nh)
{
	struct rtmsg rt = { .rtm_family = (uint8_t)family,
			    .rtm_type = type,
			    .rtm_table = RT_TABLE_UNSPEC };
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWROUTE, &rt, sizeof(rt));

	put_u32(h, RTA_TABLE, table);
	if (oif)
		put_u32(h, RTA_OIF, oif);
	if (nh)
		put_u32(h, RTA_NH_ID, nh);
	defroute_route(d, h);
}

static bool carries(void (*setup)(struct defroute *))
{
	struct defroute d;

	defroute_init(&d, DEV);
	setup(&d);
	return defroute_verdict(&d);
}

static void main_v4(struct defroute *d)
{
	route(d, AF_INET, RTN_UNICAST, RT_TABLE_MAIN, DEV, 0);
}

static void other_dev(struct defroute *d)
{
	route(d, AF_INET, RTN_UNICAST, RT_TABLE_MAIN, DEV + 1, 0);
}

static void table100_with_rule(struct defroute *d)
{
	rule_to(d, AF_INET, 100);
	route(d, AF_INET, RTN_UNICAST, 100, DEV, 0);
}

static void table100_no_rule(struct defroute *d)
{
	rule_to(d, AF_INET6, 100); /* another family's rule reaches another family's table */
	route(d, AF_INET, RTN_UNICAST, 100, DEV, 0);
}

/* The kernel's ::/0 reject route on lo, and the like on the device itself. */
static void rejects(struct defroute *d)
{
	route(d, AF_INET6, RTN_UNREACHABLE, RT_TABLE_MAIN, DEV, 0);
	route(d, AF_INET6, RTN_PROHIBIT, RT_TABLE_MAIN, DEV, 0);
	route(d, AF_INET, RTN_BLACKHOLE, RT_TABLE_MAIN, DEV, 0);
	route(d, AF_INET, RTN_THROW, RT_TABLE_MAIN, DEV, 0);
}

static void not_default(struct defroute *d)
{
	struct rtmsg rt = { .rtm_family = AF_INET, .rtm_type = RTN_UNICAST, .rtm_dst_len = 24 };
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWROUTE, &rt, sizeof(rt));

	put_u32(h, RTA_TABLE, RT_TABLE_MAIN);
	put_u32(h, RTA_OIF, DEV);
	defroute_route(d, h);
}

static void multipath(struct defroute *d)
{
	struct rtmsg rt = { .rtm_family = AF_INET6, .rtm_type = RTN_UNICAST };
	struct rtnexthop hops[2] = { { .rtnh_len = sizeof(struct rtnexthop), .rtnh_ifindex = 9 },
				     { .rtnh_len = sizeof(struct rtnexthop),
				       .rtnh_ifindex = DEV } };
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWROUTE, &rt, sizeof(rt));

	put_u32(h, RTA_TABLE, RT_TABLE_MAIN);
	put(h, RTA_MULTIPATH, hops, sizeof(hops));
	defroute_route(d, h);
}

static void nexthop(struct defroute *d, uint32_t id, uint32_t oif, const uint32_t *group, int n)
{
	struct nhmsg nm = { .nh_family = AF_INET };
	struct nexthop_grp g[4];
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWNEXTHOP, &nm, sizeof(nm));
	int i;

	put_u32(h, NHA_ID, id);
	if (oif)
		put_u32(h, NHA_OIF, oif);
	memset(g, 0, sizeof(g));
	for (i = 0; i < n; i++)
		g[i].id = group[i];
	if (n)
		put(h, NHA_GROUP, g, sizeof(g[0]) * (size_t)n);
	defroute_nexthop(d, h);
}

/* default via nexthop group 30 = {10 on another device, 11 on the device}; 11 listed first */
static void nh_group(struct defroute *d)
{
	static const uint32_t members[] = { 10, 11 };

	route(d, AF_INET, RTN_UNICAST, RT_TABLE_MAIN, 0, 30);
	nexthop(d, 11, DEV, NULL, 0);
	nexthop(d, 10, DEV + 1, NULL, 0);
	nexthop(d, 30, 0, members, 2);
}

static void nh_elsewhere(struct defroute *d)
{
	route(d, AF_INET, RTN_UNICAST, RT_TABLE_MAIN, 0, 10);
	nexthop(d, 10, DEV + 1, NULL, 0);
	nexthop(d, 11, DEV, NULL, 0); /* on the device, but no default route uses it */
}

/* A VRF's l3mdev rule reaches whichever table: every one counts. */
static void l3mdev(struct defroute *d)
{
	struct fib_rule_hdr fr = { .family = AF_INET, .action = FR_ACT_TO_TBL };
	struct msg m;
	struct nlmsghdr *h = msg(&m, RTM_NEWRULE, &fr, sizeof(fr));
	uint8_t one = 1;

	put(h, FRA_L3MDEV, &one, 1);
	defroute_rule(d, h);
	route(d, AF_INET, RTN_UNICAST, 1001, DEV, 0);
}

static void test_verdicts(void **state)
{
	(void)state;
	assert_true(carries(main_v4));
	assert_false(carries(other_dev));
	assert_true(carries(table100_with_rule));
	assert_false(carries(table100_no_rule));
	assert_false(carries(rejects));
	assert_false(carries(not_default));
	assert_true(carries(multipath));
	assert_true(carries(nh_group));
	assert_false(carries(nh_elsewhere));
	assert_true(carries(l3mdev));
}

/* lo in a fresh namespace has only the kernel's reject route as a default: not refused. */
static void test_lo_reject(void **state)
{
	struct defroute d;

	(void)state;
	defroute_init(&d, LO);
	route(&d, AF_INET6, RTN_UNREACHABLE, RT_TABLE_MAIN, LO, 0);
	assert_false(defroute_verdict(&d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_lo_reject),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
